#include "http/routes/preferences.hpp"

#include <chrono>

#include "http/body.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"

namespace faceloop::http {
namespace {

constexpr const char* kPattern = "/v1/me/preferences";

void Get(const PreferenceRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  res.headers.Set("Cache-Control", "no-store");
  WriteJson(res, 200, accounts::ToJson(accounts::EffectivePreferences(s.db, who.user_id, s.defaults)));
}

/// Authenticates before reading the body: an anonymous caller learns nothing about the fields.
void Patch(const PreferenceRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  const accounts::Preferences patch = accounts::ParsePreferencesPatch(JsonBody(req));
  const accounts::Preferences effective =
      accounts::UpdatePreferences(s.db, who.user_id, patch, s.defaults, std::chrono::system_clock::now());
  res.headers.Set("Cache-Control", "no-store");
  WriteJson(res, 200, accounts::ToJson(effective));
}

}  // namespace

void RegisterPreferenceRoutes(Router& router, HttpMetrics& metrics, const PreferenceRoutes& routes) {
  auto add = [&router, &metrics, routes](const char* method,
                                         void (*fn)(const PreferenceRoutes&, const Request&, Response&)) {
    router.Add(method, kPattern,
               Guard(metrics, std::string(method) + " " + kPattern,
                     [routes, fn](const Request& req, Response& res) { fn(routes, req, res); }));
  };
  add("GET", Get);
  add("PATCH", Patch);
}

}  // namespace faceloop::http
