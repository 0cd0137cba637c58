#include "http/server/response_head.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <boost/beast/http/status.hpp>

#include "http/server/text.hpp"

namespace faceloop::http {
namespace {

/// Fields whose value the engine decides: framing and the request id.
bool OwnedByEngine(std::string_view name) {
  static constexpr std::array<std::string_view, 5> kOwned = {"Content-Length", "Transfer-Encoding", "Connection",
                                                             "Keep-Alive", "X-Request-Id"};
  return std::any_of(kOwned.begin(), kOwned.end(),
                     [name](std::string_view owned) { return EqualsIgnoringCase(name, owned); });
}

bool IsTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)) != 0) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsSafeField(std::string_view name, std::string_view value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) return false;
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
  });
}

bool HasNoContent(int status) { return status < 200 || status == 204 || status == 304; }

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

std::string_view ReasonPhrase(int status) {
  namespace beast_http = boost::beast::http;
  const auto known = beast_http::int_to_status(static_cast<unsigned>(status));
  if (known == beast_http::status::unknown) return {};
  const auto reason = beast_http::obsolete_reason(known);
  return std::string_view(reason.data(), reason.size());
}

}  // namespace

bool SendsBody(const Response& response, const Framing& framing) {
  return !framing.head_request && !HasNoContent(response.status);
}

std::string SerializeHead(const Response& response, const Framing& framing) {
  std::string out;
  out.reserve(256);
  out.append("HTTP/1.1 ").append(std::to_string(response.status)).append(" ");
  out.append(ReasonPhrase(response.status)).append("\r\n");
  for (const auto& [name, value] : response.headers.fields()) {
    if (!OwnedByEngine(name) && IsSafeField(name, value)) AppendField(out, name, value);
  }
  if (IsSafeField("X-Request-Id", framing.request_id)) AppendField(out, "X-Request-Id", framing.request_id);
  if (!HasNoContent(response.status)) AppendField(out, "Content-Length", std::to_string(response.BodySize()));
  if (!framing.keep_alive) {
    AppendField(out, "Connection", "close");
  } else if (framing.version == 10) {
    AppendField(out, "Connection", "keep-alive");
  }
  out.append("\r\n");
  return out;
}

}  // namespace faceloop::http
