// Accounts: sign-up, sessions, the current user, API keys.
#include <chrono>

#include "http/routes/accounts.hpp"

#include "accounts/csrf.hpp"
#include "common/error.hpp"
#include "http/body.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "http/quotas.hpp"
#include "http/routes/account_json.hpp"
#include "http/session_cookie.hpp"

namespace faceloop::http {
namespace {

using events::EventType;
constexpr std::chrono::hours kSessionTtl{24};

nlohmann::json NewKeyJson(const accounts::NewKey& key) {
  return {{"id", key.id}, {"prefix", key.prefix}, {"secret", key.secret}, {"created_at", key.created_at}};
}

mail::Message KeyMail(const accounts::SignUpResult& result) {
  return {result.user.email, "Your faceloop API key",
          "Welcome to faceloop.\n\nYour API key (it is shown only here; we store just a hash of it):\n\n    " +
              result.key.secret +
              "\n\nSend it as \"Authorization: Bearer <key>\". You can create more keys and revoke this one at "
              "/v1/keys.\n"};
}

/// With mail configured the key goes only to the address, which proves the address is the
/// user's; without, it is in the response. A sign-up whose mail fails is undone (503), so the
/// address can sign up again once mail works.
void SignUp(const AccountRoutes& s, const Request& req, Response& res) {
  ChargeOrRefuse(s.limiter, s.signups, req.client_addr, "too many sign-ups from this address; retry later");
  const nlohmann::json body = JsonBody(req);
  OnlyMembers(body, {"email", "name"});
  const accounts::SignUpResult result = s.accounts.SignUp(StringField(body, "email"), StringField(body, "name"));
  nlohmann::json key = NewKeyJson(result.key);
  std::string delivery = "response";
  if (s.mailer) {
    try {
      s.mailer->Send(KeyMail(result));
    } catch (const Error& error) {
      s.accounts.DeleteUser(result.user.id);
      const char* why = error.code() == ErrorCode::kBadRequest ? "address refused" : "mail server unavailable";
      throw Error(ErrorCode::kUnavailable,
                  std::string("could not send the sign-up e-mail (") + why + "); try again later");
    }
    key.erase("secret");
    delivery = "email";
  }
  s.events.Log(EventType::kSignup, result.user.id, {{"delivery", delivery}});
  WriteJson(res, 201, {{"user", UserJson(result.user)}, {"api_key", key}, {"delivery", delivery}});
}

void Login(const AccountRoutes& s, const Request& req, Response& res) {
  const Credentials credentials = ParseCredentials(req);
  if (credentials.kind != Credentials::Kind::kApiKey) {
    throw Error(ErrorCode::kUnauthenticated, "a session is created from an API key (Authorization: Bearer fl_...)");
  }
  accounts::NewSession session;
  try {
    // Behind the failed-authentication throttle, as every other use of a key.
    session = s.auth.Throttled(credentials, [&] { return s.accounts.CreateSession(credentials.secret, kSessionTtl); });
  } catch (const Error& error) {
    if (error.code() == ErrorCode::kUnauthenticated) s.failed_logins.Record(credentials);
    throw;
  }
  s.events.Log(EventType::kLogin, session.user.id);
  res.headers.Set("Set-Cookie", SessionCookie(req, session.token, kSessionTtl));
  WriteJson(res, 201,
            {{"token", session.token},
             {"expires_at", session.expires_at},
             {"csrf_token", accounts::CsrfToken(s.crypto, session.token)},
             {"user", UserJson(session.user)}});
}

/// The session's user and CSRF token: how the web application, which cannot read its HttpOnly
/// cookie, learns after a reload whether it is logged in.
void CurrentSession(const AccountRoutes& s, const Request& req, Response& res) {
  const Credentials credentials = ParseCredentials(req);
  if (credentials.kind != Credentials::Kind::kSession) {
    throw Error(ErrorCode::kUnauthenticated, "no session in this request");
  }
  const accounts::Principal principal = s.auth.Authenticate(credentials);
  res.headers.Set("Cache-Control", "no-store");
  WriteJson(res, 200,
            {{"csrf_token", accounts::CsrfToken(s.crypto, credentials.secret)},
             {"user", UserJson(s.accounts.GetUser(principal.user_id))}});
}

void Logout(const AccountRoutes& s, const Request& req, Response& res) {
  const Credentials credentials = ParseCredentials(req);
  if (credentials.kind != Credentials::Kind::kSession) {
    throw Error(ErrorCode::kUnauthenticated, "no session in this request");
  }
  s.auth.Authenticate(credentials);  // 401 for unknown tokens, 403 for a cookie without its CSRF token
  s.accounts.RevokeSession(credentials.secret);
  res.headers.Set("Set-Cookie", ExpiredSessionCookie(req));
  res.status = 204;
}

/// Deletes the account first, so its keys and sessions stop working at once, then the stored
/// images and request records it owned.
void DeleteMe(const AccountRoutes& s, const Request& req, Response& res) {
  const accounts::Principal principal = s.auth.Authenticate(ParseCredentials(req));
  const std::size_t images = s.delete_account(principal.user_id);
  nlohmann::json data = {{"images_deleted", images}};
  if (s.dataset_exports) data["dataset_exports"] = s.dataset_exports(principal.user_id);
  // The pseudonymous id only: the user row, and with it the email, is gone.
  s.events.Log(EventType::kAccountDeleted, principal.user_id, data);
  res.headers.Set("Set-Cookie", ExpiredSessionCookie(req));
  res.status = 204;
}

void GetMe(const AccountRoutes& s, const Request& req, Response& res) {
  WriteJson(res, 200, UserJson(s.accounts.GetUser(s.auth.Authenticate(ParseCredentials(req)).user_id)));
}

void ListKeys(const AccountRoutes& s, const Request& req, Response& res) {
  const accounts::Principal principal = s.auth.Authenticate(ParseCredentials(req));
  nlohmann::json keys = nlohmann::json::array();
  for (const accounts::KeyInfo& key : s.accounts.ListKeys(principal.user_id)) keys.push_back(KeyInfoJson(key));
  WriteJson(res, 200, {{"keys", keys}});
}

void CreateKey(const AccountRoutes& s, const Request& req, Response& res) {
  const accounts::Principal principal = s.auth.Authenticate(ParseCredentials(req));
  const nlohmann::json body = JsonBody(req);
  OnlyMembers(body, {"name"});
  const accounts::NewKey key = s.accounts.CreateKey(principal.user_id, StringField(body, "name"));
  s.events.Log(EventType::kKeyCreated, principal.user_id, {{"key_id", key.id}});
  WriteJson(res, 201, NewKeyJson(key));
}

void RevokeKey(const AccountRoutes& s, const Request& req, Response& res) {
  const accounts::Principal principal = s.auth.Authenticate(ParseCredentials(req));
  const std::string& key_id = req.path_params.at(0);
  s.accounts.RevokeKey(principal.user_id, key_id);
  s.events.Log(EventType::kKeyRevoked, principal.user_id, {{"key_id", key_id}});
  res.status = 204;
}

}  // namespace

void RegisterAccountRoutes(Router& router, HttpMetrics& metrics, const AccountRoutes& routes) {
  auto add = [&router, &metrics, routes](const char* method, const char* pattern,
                                         void (*fn)(const AccountRoutes&, const Request&, Response&)) {
    router.Add(method, pattern,
               Guard(metrics, std::string(method) + " " + pattern,
                     [routes, fn](const Request& req, Response& res) { fn(routes, req, res); }));
  };
  add("POST", "/v1/users", SignUp);
  add("POST", "/v1/sessions", Login);
  add("GET", "/v1/sessions/current", CurrentSession);
  add("DELETE", "/v1/sessions/current", Logout);
  add("GET", "/v1/me", GetMe);
  add("DELETE", "/v1/me", DeleteMe);
  add("GET", "/v1/keys", ListKeys);
  add("POST", "/v1/keys", CreateKey);
  add("DELETE", "/v1/keys/{id}", RevokeKey);
}

}  // namespace faceloop::http
