#include "http/cookie_writes.hpp"

#include <cctype>

#include "common/error.hpp"
#include "http/credentials.hpp"
#include "http/typed_error.hpp"

namespace faceloop::http {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// "scheme://host[:port]" of an absolute URL (a Referer); "" when it is not one.
std::string OriginOf(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const std::size_t host_end = url.find_first_of("/?#", scheme_end + 3);
  return Lower(url.substr(0, host_end));
}

/// What may travel as a body with the cookie: JSON, and the upload routes' images and forms
/// (application/octet-stream: the web application's upload of a file the browser has no type for;
/// like JSON, a cross-site form cannot send it).
bool AcceptedBody(const std::string& media_type) {
  return media_type == "application/json" || media_type == "multipart/form-data" ||
         media_type == "application/octet-stream" || media_type.starts_with("image/");
}

}  // namespace

std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  return Lower(type);
}

std::string OwnOrigin(const Request& request) {
  return std::string(request.secure ? "https://" : "http://") + Lower(request.Header("Host"));
}

bool AuthenticatesWithCookie(const Request& request) {
  return request.Header("Authorization").empty() && request.Header("X-API-Key").empty() &&
         !CookieValue(request.Header("Cookie"), kSessionCookie).empty();
}

void CheckCookieWrite(const Request& request) {
  // Origin first; browsers that send none on same-origin requests still send a Referer.
  const std::string origin =
      request.headers.Has("Origin") ? Lower(request.Header("Origin")) : OriginOf(request.Header("Referer"));
  const bool has_origin = request.headers.Has("Origin") || !request.Header("Referer").empty();
  if (has_origin && origin != OwnOrigin(request)) {
    throw TypedError(ErrorCode::kForbidden, kCrossOriginSlug,
                     "a request that changes something with the session cookie must come from this service's own "
                     "origin (Origin / Referer)");
  }
  if (!request.body.empty() && !AcceptedBody(MediaType(request.Header("Content-Type")))) {
    throw Error(ErrorCode::kUnsupportedMediaType,
                "Content-Type must be application/json (or an image / multipart form on the upload routes) for "
                "a request made with the session cookie");
  }
}

}  // namespace faceloop::http
