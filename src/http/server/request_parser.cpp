#include "http/server/request_parser.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/server/growing_body.hpp"
#include "http/server/url.hpp"

namespace faceloop::http {

namespace beast_http = boost::beast::http;

struct RequestParser::Beast {
  beast_http::request_parser<GrowingBody> parser;
};

namespace {

std::string Text(boost::beast::string_view text) { return std::string(text.data(), text.size()); }

/// Whether the request line is well-formed but names a version other than 1.x ("HTTP/2.0").
bool NamesAnotherVersion(std::string_view bytes) {
  const std::string_view line = bytes.substr(0, bytes.find("\r\n"));
  const std::size_t space = line.rfind(' ');
  if (space == std::string_view::npos || line.size() - space - 1 != 8) return false;
  const std::string_view version = line.substr(space + 1);
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return version.starts_with("HTTP/") && digit(version[5]) && version[6] == '.' && digit(version[7]);
}

ParseFailure FailureFor(const boost::beast::error_code& ec, std::string_view bytes) {
  if (ec == beast_http::error::header_limit) return ParseFailure{431, "request head too large"};
  if (ec == beast_http::error::body_limit) return ParseFailure{413, "request body too large"};
  // Beast refuses any version but 1.0 and 1.1 with the same error as a malformed one.
  if (ec == beast_http::error::bad_version && NamesAnotherVersion(bytes)) {
    return ParseFailure{505, "only HTTP/1.0 and HTTP/1.1 are supported"};
  }
  // Beast's messages name the defect ("bad method", "bad Content-Length") and nothing else.
  return ParseFailure{400, "malformed request: " + ec.message()};
}

/// A CR not followed by LF or an LF not preceded by CR, at or after `from`.
bool HasBareLineBreak(std::string_view text, std::size_t from) {
  for (std::size_t i = from; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return true;
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] != '\n') return true;
  }
  return false;
}

}  // namespace

RequestParser::RequestParser(const ParserLimits& limits) : limits_(limits), beast_(std::make_unique<Beast>()) {
  beast_->parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limits.max_header_bytes, UINT32_MAX)));
  beast_->parser.body_limit(limits.max_body_bytes);
}

RequestParser::~RequestParser() = default;

std::size_t RequestParser::Feed(std::string_view bytes) {
  std::size_t consumed = 0;
  if (failure_ || done_ || bytes.empty()) return consumed;
  if (head_done_) {
    FeedBody(bytes, consumed);
  } else {
    FeedHead(bytes, consumed);
  }
  return consumed;
}

bool RequestParser::wants_continue() const {
  return head_done_ && !done_ && !failure_ && version_ == 11 && request_.headers.Has("Expect");
}

void RequestParser::FeedHead(std::string_view bytes, std::size_t& consumed) {
  boost::beast::error_code ec;
  consumed = beast_->parser.put(boost::asio::const_buffer(bytes.data(), bytes.size()), ec);
  raw_head_.append(bytes.substr(0, consumed));
  if (ec && ec != beast_http::error::need_more) return Fail(FailureFor(ec, bytes));
  // Beast applies its header limit to the bytes of one put() only, and consumes a head field by
  // field as they complete: fed piecemeal, a head would never hit it. The total is counted here.
  const bool head_done = beast_->parser.is_header_done();
  const std::size_t head_bytes = raw_head_.size() + (head_done ? 0 : bytes.size() - consumed);
  if (head_done ? head_bytes > limits_.max_header_bytes : head_bytes >= limits_.max_header_bytes) {
    return Fail(ParseFailure{431, "request head too large"});
  }
  if (head_done) return FinishHead();
  // Beast waits for a CRLF CRLF before it parses a partial head; with bare line ends that never
  // comes, so they are looked for here, each byte once.
  if (HasBareLineBreak(bytes, std::max(consumed, unchecked_from_))) {
    return Fail(ParseFailure{400, "malformed request: bare CR or LF in the head"});
  }
  const std::size_t checked = bytes.size() - (bytes.ends_with('\r') ? 1 : 0);  // a final CR needs its next byte
  unchecked_from_ = checked > consumed ? checked - consumed : 0;
}

void RequestParser::FinishHead() {
  head_done_ = true;
  const auto& message = beast_->parser.get();
  version_ = static_cast<int>(message.version());
  request_.method = Text(message.method_string());
  request_.target = Text(message.target());
  for (const auto& field : message) {
    request_.headers.Add(Text(field.name_string()), Text(field.value()));
  }
  if (auto failure = CheckHead(raw_head_, version_, request_.target, request_.headers)) {
    return Fail(std::move(*failure));
  }
  auto decoded = DecodeTarget(request_.target);
  if (!decoded) return Fail(ParseFailure{400, "bad percent-encoding in the request target"});
  request_.path = std::move(decoded->path);
  request_.query = std::move(decoded->query);
  keep_alive_ = beast_->parser.keep_alive();
  raw_head_ = std::string();  // checked; give the memory back
  if (beast_->parser.is_done()) done_ = true;
}

void RequestParser::FeedBody(std::string_view bytes, std::size_t& consumed) {
  while (!bytes.empty()) {
    boost::beast::error_code ec;
    const std::size_t used = beast_->parser.put(boost::asio::const_buffer(bytes.data(), bytes.size()), ec);
    consumed += used;
    bytes.remove_prefix(used);
    if (ec == beast_http::error::need_more) return;
    if (ec) return Fail(FailureFor(ec, {}));
    if (beast_->parser.is_done()) {
      done_ = true;
      request_.body = std::move(beast_->parser.get().body());
      return;
    }
    if (used == 0) return;
  }
}

void RequestParser::Fail(ParseFailure failure) {
  failure_ = std::move(failure);
  keep_alive_ = false;
}

}  // namespace faceloop::http
