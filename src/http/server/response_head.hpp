#pragma once
// A Response as bytes on the wire. The engine owns the framing: Content-Length, Connection and
// X-Request-Id come from here, whatever a handler set; fields a handler filled with bytes that would
// break the message (CR, LF, NUL, a name that is not a token) are dropped rather than sent.
#include <string>
#include <string_view>

#include "http/server/message.hpp"

namespace faceloop::http {

struct Framing {
  int version = 11;  ///< the request's: 10 or 11
  bool keep_alive = true;
  bool head_request = false;  ///< HEAD: the Content-Length of the body, but no body bytes
  std::string_view request_id;
};

/// Whether the response's body bytes follow its head (not for HEAD, 1xx, 204, 304).
bool SendsBody(const Response& response, const Framing& framing);

/// The status line, header fields and blank line. The status line always says HTTP/1.1 (RFC 9110
/// §6.2: a server sends its own version); HTTP/1.0 clients get "Connection: keep-alive" when the
/// connection stays open, everyone gets "Connection: close" when it does not.
std::string SerializeHead(const Response& response, const Framing& framing);

}  // namespace faceloop::http
