// Accounts: sign-up, sessions, the current user, API keys.
#include <chrono>

#include "common/error.hpp"
#include "http/auth.hpp"
#include "http/problem.hpp"
#include "http/routes.hpp"

namespace faceloop::http {
namespace {

using events::EventType;
constexpr std::chrono::hours kSessionTtl{24};

nlohmann::json UserJson(const accounts::User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"name", user.name},
          {"role", accounts::RoleName(user.role)},
          {"created_at", user.created_at}};
}

nlohmann::json NewKeyJson(const accounts::NewKey& key) {
  return {{"id", key.id}, {"prefix", key.prefix}, {"secret", key.secret}, {"created_at", key.created_at}};
}

nlohmann::json KeyInfoJson(const accounts::KeyInfo& key) {
  return {{"id", key.id},
          {"name", key.name},
          {"prefix", key.prefix},
          {"created_at", key.created_at},
          {"last_used_at", key.last_used_at ? nlohmann::json(*key.last_used_at) : nlohmann::json()},
          {"revoked_at", key.revoked_at ? nlohmann::json(*key.revoked_at) : nlohmann::json()}};
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
void SignUp(Services& s, const httplib::Request& req, httplib::Response& res) {
  s.signups->Acquire(ClientIp(req));
  const nlohmann::json body = JsonBody(req);
  const accounts::SignUpResult result = s.accounts->SignUp(StringField(body, "email"), StringField(body, "name"));
  nlohmann::json key = NewKeyJson(result.key);
  std::string delivery = "response";
  if (s.mailer) {
    try {
      s.mailer->Send(KeyMail(result));
    } catch (const Error& error) {
      s.accounts->DeleteUser(result.user.id);
      const char* why = error.code() == ErrorCode::kBadRequest ? "address refused" : "mail server unavailable";
      throw Error(ErrorCode::kUnavailable,
                  std::string("could not send the sign-up e-mail (") + why + "); try again later");
    }
    key.erase("secret");
    delivery = "email";
  }
  s.LogEvent(EventType::kSignup, result.user.id, {{"delivery", delivery}});
  WriteJson(res, 201, {{"user", UserJson(result.user)}, {"api_key", key}, {"delivery", delivery}});
}

void Login(Services& s, const httplib::Request& req, httplib::Response& res) {
  const Credentials credentials = ParseCredentials(req);
  if (credentials.kind != Credentials::Kind::kApiKey) {
    throw Error(ErrorCode::kUnauthenticated, "a session is created from an API key (Authorization: Bearer fl_...)");
  }
  accounts::NewSession session;
  try {
    session = s.accounts->CreateSession(credentials.secret, kSessionTtl);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::kUnauthenticated) s.LogEvent(EventType::kLoginFailed, "");
    throw;
  }
  s.LogEvent(EventType::kLogin, session.user.id);
  res.set_header("Set-Cookie", std::string(kSessionCookie) + "=" + session.token +
                                   "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" +
                                   std::to_string(std::chrono::seconds(kSessionTtl).count()));
  WriteJson(res, 201, {{"token", session.token}, {"expires_at", session.expires_at}, {"user", UserJson(session.user)}});
}

void Logout(Services& s, const httplib::Request& req, httplib::Response& res) {
  const Credentials credentials = ParseCredentials(req);
  if (credentials.kind != Credentials::Kind::kSession) {
    throw Error(ErrorCode::kUnauthenticated, "no session in this request");
  }
  s.accounts->AuthenticateSession(credentials.secret);  // 401 for unknown tokens
  s.accounts->RevokeSession(credentials.secret);
  res.set_header("Set-Cookie", std::string(kSessionCookie) + "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
  res.status = 204;
}

/// Deletes the account first, so its keys and sessions stop working at once, then the stored
/// images and request records it owned.
void DeleteMe(Services& s, const httplib::Request& req, httplib::Response& res) {
  const accounts::Principal principal = s.auth_cache->Authenticate(*s.accounts, req);
  s.accounts->DeleteUser(principal.user_id);
  // Records still in the spool would otherwise reach the database (and images the remote store)
  // after the purge; once the user row is gone the shippers drop them instead.
  s.WaitForDatabase();
  s.WaitForRemoteStore();
  const auto rows =
      s.db->Query("SELECT image_key FROM requests WHERE user_id = ? AND image_key IS NOT NULL", {principal.user_id});
  for (const db::Row& row : rows) s.store->Delete(row.Get<std::string>(0));
  s.db->Execute("DELETE FROM requests WHERE user_id = ?", {principal.user_id});
  // The pseudonymous id only: the user row, and with it the email, is gone.
  s.LogEvent(EventType::kAccountDeleted, principal.user_id, {{"images_deleted", rows.size()}});
  res.status = 204;
}

void ListKeys(Services& s, const httplib::Request& req, httplib::Response& res) {
  const accounts::Principal principal = s.auth_cache->Authenticate(*s.accounts, req);
  nlohmann::json keys = nlohmann::json::array();
  for (const accounts::KeyInfo& key : s.accounts->ListKeys(principal.user_id)) keys.push_back(KeyInfoJson(key));
  WriteJson(res, 200, {{"keys", keys}});
}

void CreateKey(Services& s, const httplib::Request& req, httplib::Response& res) {
  const accounts::Principal principal = s.auth_cache->Authenticate(*s.accounts, req);
  const accounts::NewKey key = s.accounts->CreateKey(principal.user_id, StringField(JsonBody(req), "name"));
  s.LogEvent(EventType::kKeyCreated, principal.user_id, {{"key_id", key.id}});
  WriteJson(res, 201, NewKeyJson(key));
}

void RevokeKey(Services& s, const httplib::Request& req, httplib::Response& res) {
  const accounts::Principal principal = s.auth_cache->Authenticate(*s.accounts, req);
  const std::string key_id = req.matches[1];
  s.accounts->RevokeKey(principal.user_id, key_id);
  s.LogEvent(EventType::kKeyRevoked, principal.user_id, {{"key_id", key_id}});
  res.status = 204;
}

}  // namespace

nlohmann::json JsonBody(const httplib::Request& req) {
  if (req.body.empty()) return nlohmann::json::object();
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) throw Error(ErrorCode::kBadRequest, "request body must be a JSON object");
  return body;
}

std::string StringField(const nlohmann::json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_string()) throw Error(ErrorCode::kUnprocessable, std::string(key) + " must be a string");
  return it->get<std::string>();
}

void RegisterAccountRoutes(httplib::Server& server, Services& s) {
  Metrics& m = s.metrics;
  auto bind = [&s](void (*fn)(Services&, const httplib::Request&, httplib::Response&)) {
    return [&s, fn](const httplib::Request& req, httplib::Response& res) { fn(s, req, res); };
  };
  server.Post("/v1/users", Guarded(m, "POST /v1/users", bind(SignUp)));
  server.Post("/v1/sessions", Guarded(m, "POST /v1/sessions", bind(Login)));
  server.Delete("/v1/sessions/current", Guarded(m, "DELETE /v1/sessions/current", bind(Logout)));
  server.Get("/v1/me", Guarded(m, "GET /v1/me", [&s](const httplib::Request& req, httplib::Response& res) {
               WriteJson(res, 200, UserJson(s.accounts->GetUser(s.auth_cache->Authenticate(*s.accounts, req).user_id)));
             }));
  server.Delete("/v1/me", Guarded(m, "DELETE /v1/me", bind(DeleteMe)));
  server.Get("/v1/keys", Guarded(m, "GET /v1/keys", bind(ListKeys)));
  server.Post("/v1/keys", Guarded(m, "POST /v1/keys", bind(CreateKey)));
  server.Delete(R"(/v1/keys/([A-Za-z0-9]+))", Guarded(m, "DELETE /v1/keys/{id}", bind(RevokeKey)));
}

}  // namespace faceloop::http
