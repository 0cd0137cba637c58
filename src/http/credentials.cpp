#include "http/credentials.hpp"

#include "accounts/secrets.hpp"
#include "common/error.hpp"
#include "http/cookie_writes.hpp"

namespace faceloop::http {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Credentials Classify(std::string_view secret) {
  const Credentials::Kind kind =
      secret.starts_with(accounts::kApiKeyPrefix) ? Credentials::Kind::kApiKey : Credentials::Kind::kSession;
  return Credentials{kind, std::string(secret)};
}

}  // namespace

std::string CookieValue(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    const std::size_t end = cookie_header.find(';');
    const std::string_view pair = Trim(cookie_header.substr(0, end));
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && Trim(pair.substr(0, eq)) == name) {
      return std::string(Trim(pair.substr(eq + 1)));
    }
    if (end == std::string_view::npos) break;
    cookie_header.remove_prefix(end + 1);
  }
  return {};
}

Credentials ParseCredentials(std::string_view authorization, std::string_view x_api_key, std::string_view cookie) {
  authorization = Trim(authorization);
  if (!authorization.empty()) {
    constexpr std::string_view kBearer = "bearer ";
    std::string scheme(authorization.substr(0, kBearer.size()));
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string_view token = Trim(authorization.substr(std::min(kBearer.size(), authorization.size())));
    if (scheme != kBearer || token.empty()) {
      throw Error(ErrorCode::kUnauthenticated, "Authorization must be \"Bearer <api key or session token>\"");
    }
    return Classify(token);
  }
  x_api_key = Trim(x_api_key);
  if (!x_api_key.empty()) return Credentials{Credentials::Kind::kApiKey, std::string(x_api_key)};
  const std::string session = CookieValue(cookie, kSessionCookie);
  if (!session.empty()) return Credentials{Credentials::Kind::kSession, session, true};
  return {};
}

bool IsSafeMethod(std::string_view method) { return method == "GET" || method == "HEAD" || method == "OPTIONS"; }

Credentials ParseCredentials(const Request& request) {
  Credentials credentials =
      ParseCredentials(request.Header("Authorization"), request.Header("X-API-Key"), request.Header("Cookie"));
  credentials.client = request.client_addr;
  if (credentials.from_cookie && !IsSafeMethod(request.method)) {
    credentials.csrf_required = true;
    credentials.csrf_token = std::string(Trim(request.Header(kCsrfHeader)));
    CheckCookieWrite(request);
  }
  return credentials;
}

}  // namespace faceloop::http
