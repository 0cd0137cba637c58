#pragma once
// One error type for the whole product. Code that fails throws faceloop::Error; the HTTP layer and the
// CLI catch it at their top level and render it (problem+json or an error line). The code decides the
// HTTP status and the stable problem `type`; the message is for humans.
#include <stdexcept>
#include <string>
#include <string_view>

namespace faceloop {

enum class ErrorCode {
  kBadRequest,            // 400: malformed input (corrupt image, bad JSON)
  kUnauthenticated,       // 401
  kForbidden,             // 403
  kNotFound,              // 404
  kMethodNotAllowed,      // 405: the path exists, the method does not
  kNotAcceptable,         // 406: no representation the client accepts (Accept)
  kRequestTimeout,        // 408: the request did not arrive within its deadline
  kConflict,              // 409
  kGone,                  // 410: existed once, never again (an expired one-time link)
  kPayloadTooLarge,       // 413: bytes or pixels over a limit
  kUnsupportedMediaType,  // 415: not a JPEG, PNG or WebP
  kUnprocessable,         // 422: well-formed but unacceptable (dimensions, parameters)
  kHeaderFieldsTooLarge,  // 431
  kTooManyRequests,       // 429
  kInternal,              // 500
  kUnavailable,           // 503
};

/// HTTP status for an error code.
int HttpStatus(ErrorCode code);
/// Stable machine-readable slug for an error code, used as the problem `type` suffix.
std::string_view TypeSlug(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }
  int http_status() const { return HttpStatus(code_); }

 private:
  ErrorCode code_;
};

}  // namespace faceloop
