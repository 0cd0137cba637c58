#include "http/session_cookie.hpp"

#include "http/credentials.hpp"

namespace faceloop::http {
namespace {

std::string Attributes(const Request& request, std::chrono::seconds max_age) {
  return std::string("; HttpOnly; SameSite=Strict; Path=/; Max-Age=") + std::to_string(max_age.count()) +
         (request.secure ? "; Secure" : "");
}

}  // namespace

std::string SessionCookie(const Request& request, std::string_view token, std::chrono::seconds max_age) {
  return std::string(kSessionCookie) + "=" + std::string(token) + Attributes(request, max_age);
}

std::string ExpiredSessionCookie(const Request& request) {
  return std::string(kSessionCookie) + "=" + Attributes(request, std::chrono::seconds(0));
}

}  // namespace faceloop::http
