// libFuzzer target: the strings a request hands to its record (User-Agent, X-Forwarded-For behind a
// trusted proxy, the client address truncated for privacy) must come out as a record that every
// backend accepts: valid UTF-8 within its limit, serialisable as the spool's JSON and read back
// unchanged. A record that cannot be written is a lost record (and, before ValidUtf8, a 500 after
// the image was stored).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "common/error.hpp"
#include "common/utf8.hpp"
#include "events/records.hpp"
#include "http/client_ip.hpp"

namespace {

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

/// RFC 3629, checked independently of ValidUtf8's own decoder.
bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      if (c == 0) return false;  // NUL is replaced too
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto t = static_cast<unsigned char>(s[i + k]);
      if ((t & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (t & 0x3Fu);
    }
    const std::uint32_t min[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

/// The input: a byte choosing the peer (the socket's address, never arbitrary text), then the
/// User-Agent and X-Forwarded-For values separated by the first NUL byte.
struct Fields {
  std::string_view peer;
  std::string_view agent;
  std::string_view forwarded;
};

Fields Split(std::string_view in) {
  static constexpr std::string_view kPeers[] = {"10.0.0.1", "203.0.113.5", "::1", "2001:db8::7"};
  Fields fields;
  fields.peer = kPeers[in.empty() ? 0 : static_cast<unsigned char>(in.front()) % 4];
  if (!in.empty()) in.remove_prefix(1);
  const std::size_t nul = in.find('\0');
  fields.agent = in.substr(0, nul);
  if (nul != std::string_view::npos) fields.forwarded = in.substr(nul + 1);
  return fields;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faceloop;
  const Fields in = Split(std::string_view(reinterpret_cast<const char*>(data), size));

  static const http::TrustedProxies proxies({"10.0.0.0/8", "::1"});
  requests::RequestRecord record;
  record.request_id = "r1";
  record.user_id = "u1";
  record.model_name = "retinaface";
  record.user_agent = ValidUtf8(in.agent);
  record.client_ip = proxies.ClientAddress(in.peer, in.forwarded);
  Require(IsValidUtf8(record.user_agent) && record.user_agent.size() <= 1024, "user agent is valid UTF-8 <= 1 KB");
  if (in.agent.size() <= 1024 && IsValidUtf8(in.agent)) Require(record.user_agent == in.agent, "valid text is kept");
  Require(IsValidUtf8(record.client_ip) && record.client_ip.size() <= 64, "the client address is a short address");
  const std::string truncated = http::TruncateIp(record.client_ip);
  Require(IsValidUtf8(truncated) && truncated.size() <= 64, "the truncated address too");

  std::string spooled;
  try {
    spooled = events::ToSpoolRecord(record);
  } catch (const std::exception&) {
    Require(false, "a record of request-derived strings serialises");
  }
  const events::Record back = events::ParseSpoolRecord(spooled);  // an Error here is a bug too
  const auto* request = std::get_if<requests::RequestRecord>(&back);
  Require(request != nullptr, "the spool record reads back as a request");
  Require(request->user_agent == record.user_agent && request->client_ip == record.client_ip,
          "the strings survive the spool unchanged");
  return 0;
}
