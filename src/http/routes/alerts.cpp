#include "http/routes/alerts.hpp"

#include <charconv>

#include "alerts/signature.hpp"
#include "alerts/store.hpp"
#include "alerts/validation.hpp"
#include "common/error.hpp"
#include "http/body.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"

namespace faceloop::http {
namespace {

constexpr int kDefaultEventLimit = 50;
constexpr int kMaxEventLimit = 500;

accounts::Principal RequireAnalyst(const AlertRoutes& s, const Request& req) {
  accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  if (!accounts::CanReadAll(who)) throw Error(ErrorCode::kForbidden, "alerts are for analysts and admins");
  return who;
}

/// Webhooks make the service call out: only admins choose where.
void RequireAdminForWebhook(const accounts::Principal& who, const nlohmann::json& body,
                            const std::optional<alerts::Rule>& existing) {
  if (who.role == accounts::Role::kAdmin) return;
  if (body.contains("webhook_url") || body.contains("webhook_secret")) {
    throw Error(ErrorCode::kForbidden, "webhook_url: webhooks are set by admins only");
  }
  if (existing && existing->webhook_url) {
    throw Error(ErrorCode::kForbidden, "webhook_url: this rule has a webhook; only admins change it");
  }
}

/// The rule's JSON, with the webhook secret when it was just made (shown once).
nlohmann::json Answer(const alerts::Rule& rule, bool show_secret) {
  nlohmann::json json = alerts::ToJson(rule);
  if (show_secret && rule.webhook_secret) json["webhook_secret"] = *rule.webhook_secret;
  return json;
}

void ListRules(const AlertRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  nlohmann::json items = nlohmann::json::array();
  for (const alerts::Rule& rule : alerts::AlertStore(s.database).List()) items.push_back(alerts::ToJson(rule));
  WriteJson(res, 200, {{"rules", items}});
}

void CreateRule(const AlertRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = RequireAnalyst(s, req);
  const nlohmann::json body = JsonBody(req);
  RequireAdminForWebhook(who, body, std::nullopt);
  alerts::Rule rule = alerts::ParseRule(body, s.webhook_policy);
  const bool generated = rule.webhook_url && !rule.webhook_secret;
  if (generated) rule.webhook_secret = alerts::NewSecret();
  rule.id = s.new_id();
  rule.created_at = rule.updated_at = std::chrono::system_clock::now();
  alerts::AlertStore(s.database).Insert(rule);
  WriteJson(res, 201, Answer(rule, generated));
}

alerts::Rule FindRule(alerts::AlertStore& store, const std::string& id) {
  auto rule = store.Find(id);
  if (!rule) throw Error(ErrorCode::kNotFound, "no such alert rule");
  return std::move(*rule);
}

void GetRule(const AlertRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  alerts::AlertStore store(s.database);
  WriteJson(res, 200, alerts::ToJson(FindRule(store, req.path_params.at(0))));
}

void ReplaceRule(const AlertRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = RequireAnalyst(s, req);
  alerts::AlertStore store(s.database);
  const alerts::Rule existing = FindRule(store, req.path_params.at(0));
  const nlohmann::json body = JsonBody(req);
  RequireAdminForWebhook(who, body, existing);
  alerts::Rule rule = alerts::ParseRule(body, s.webhook_policy);
  // The same URL without a new secret keeps the old one; a new URL without one gets a new one.
  const bool same_url = rule.webhook_url && rule.webhook_url == existing.webhook_url;
  if (rule.webhook_url && !rule.webhook_secret && same_url) rule.webhook_secret = existing.webhook_secret;
  const bool generated = rule.webhook_url && !rule.webhook_secret;
  if (generated) rule.webhook_secret = alerts::NewSecret();
  rule.id = existing.id;
  rule.created_at = existing.created_at;
  rule.updated_at = std::chrono::system_clock::now();
  if (!store.Replace(rule)) throw Error(ErrorCode::kNotFound, "no such alert rule");
  WriteJson(res, 200, Answer(rule, generated));
}

void DeleteRule(const AlertRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = RequireAnalyst(s, req);
  alerts::AlertStore store(s.database);
  RequireAdminForWebhook(who, nlohmann::json::object(), FindRule(store, req.path_params.at(0)));
  if (!store.Delete(req.path_params.at(0))) throw Error(ErrorCode::kNotFound, "no such alert rule");
  res.status = 204;
}

int EventLimit(const Request& req) {
  if (!req.HasParam("limit")) return kDefaultEventLimit;
  const std::string text = req.Param("limit");
  int limit = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (ec != std::errc() || end != text.data() + text.size() || limit < 1 || limit > kMaxEventLimit) {
    throw Error(ErrorCode::kUnprocessable, "limit: must be a whole number within 1.." + std::to_string(kMaxEventLimit));
  }
  return limit;
}

void ListEvents(const AlertRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  alerts::EventQuery query;
  if (req.HasParam("rule_id")) query.rule_id = req.Param("rule_id");
  if (req.HasParam("cursor")) query.before_id = req.Param("cursor");
  query.limit = EventLimit(req);
  const std::vector<alerts::AlertEvent> events = alerts::AlertStore(s.database).Events(query);
  nlohmann::json items = nlohmann::json::array();
  for (const alerts::AlertEvent& event : events) items.push_back(alerts::ToJson(event));
  const bool more = static_cast<int>(events.size()) == query.limit;
  WriteJson(res, 200, {{"events", items}, {"next_cursor", more ? nlohmann::json(events.back().id) : nlohmann::json()}});
}

}  // namespace

void RegisterAlertRoutes(Router& router, HttpMetrics& metrics, const AlertRoutes& routes) {
  auto add = [&router, &metrics, routes](const char* method, const char* pattern,
                                         void (*fn)(const AlertRoutes&, const Request&, Response&)) {
    router.Add(method, pattern,
               Guard(metrics, std::string(method) + " " + pattern,
                     [routes, fn](const Request& req, Response& res) { fn(routes, req, res); }));
  };
  add("GET", "/v1/alerts/rules", ListRules);
  add("POST", "/v1/alerts/rules", CreateRule);
  add("GET", "/v1/alerts/rules/{id}", GetRule);
  add("PUT", "/v1/alerts/rules/{id}", ReplaceRule);
  add("DELETE", "/v1/alerts/rules/{id}", DeleteRule);
  add("GET", "/v1/alerts/events", ListEvents);
}

}  // namespace faceloop::http
