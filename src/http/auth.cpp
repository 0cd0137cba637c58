#include "http/auth.hpp"

#include "accounts/secrets.hpp"
#include "common/error.hpp"

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
  if (!session.empty()) return Credentials{Credentials::Kind::kSession, session};
  return {};
}

Credentials ParseCredentials(const httplib::Request& req) {
  return ParseCredentials(req.get_header_value("Authorization"), req.get_header_value("X-API-Key"),
                          req.get_header_value("Cookie"));
}

namespace {

accounts::Principal AuthenticateCredentials(accounts::AccountService& accounts, const Credentials& credentials) {
  switch (credentials.kind) {
    case Credentials::Kind::kApiKey: return accounts.AuthenticateKey(credentials.secret);
    case Credentials::Kind::kSession: return accounts.AuthenticateSession(credentials.secret);
    case Credentials::Kind::kNone: break;
  }
  throw Error(ErrorCode::kUnauthenticated,
              "credentials required: Authorization: Bearer <key>, X-API-Key or session cookie");
}

}  // namespace

accounts::Principal Authenticate(accounts::AccountService& accounts, const httplib::Request& req) {
  return AuthenticateCredentials(accounts, ParseCredentials(req));
}

std::string AuthCache::Key(const std::string& secret) const {
  const auto hash = crypto_.Hash(secret);
  return std::string(hash.begin(), hash.end());
}

accounts::Principal AuthCache::Authenticate(accounts::AccountService& accounts, const httplib::Request& req) {
  const Credentials credentials = ParseCredentials(req);
  if (credentials.kind == Credentials::Kind::kNone) return AuthenticateCredentials(accounts, credentials);
  const std::string key = Key(credentials.secret);
  try {
    accounts::Principal principal = AuthenticateCredentials(accounts, credentials);
    const std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) entries_.clear();  // crude but bounded; refilled from the database
    entries_[key] = Entry{principal, std::chrono::steady_clock::now()};
    return principal;
  } catch (const Error& error) {
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (error.code() == ErrorCode::kUnavailable && it != entries_.end() &&
        std::chrono::steady_clock::now() - it->second.verified_at <= max_stale_) {
      return it->second.principal;
    }
    if (error.code() == ErrorCode::kUnauthenticated && it != entries_.end()) entries_.erase(it);
    throw;
  }
}

bool CanReadAll(const accounts::Principal& principal) {
  return principal.role == accounts::Role::kAnalyst || principal.role == accounts::Role::kAdmin;
}

}  // namespace faceloop::http
