#include "alerts/validation.hpp"

#include <cmath>
#include <set>

#include "alerts/metric.hpp"
#include "common/error.hpp"
#include "common/utf8.hpp"
#include "insights/features.hpp"
#include "mail/message.hpp"

namespace faceloop::alerts {
namespace {

[[noreturn]] void Refuse(const std::string& field, const std::string& why) {
  throw Error(ErrorCode::kUnprocessable, field + ": " + why);
}

const nlohmann::json* Member(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  return it == body.end() || it->is_null() ? nullptr : &*it;
}

std::string Text(const nlohmann::json& body, const char* name, std::size_t max_length, bool required) {
  const nlohmann::json* value = Member(body, name);
  if (value == nullptr) {
    if (required) Refuse(name, "is required");
    return {};
  }
  if (!value->is_string()) Refuse(name, "must be a string");
  std::string text = value->get<std::string>();
  if (text.empty() || text.size() > max_length) {
    Refuse(name, "must be 1 to " + std::to_string(max_length) + " characters");
  }
  if (ValidUtf8(text, max_length) != text) Refuse(name, "must be valid UTF-8 without NUL");
  return text;
}

std::int64_t Whole(const nlohmann::json& body, const char* name, std::int64_t fallback, std::int64_t lo,
                   std::int64_t hi, const char* unit) {
  const nlohmann::json* value = Member(body, name);
  if (value == nullptr) return fallback;
  const bool whole = value->is_number_integer() || (value->is_number_float() && std::isfinite(value->get<double>()) &&
                                                    std::floor(value->get<double>()) == value->get<double>());
  if (!whole) Refuse(name, std::string("must be a whole number of ") + unit);
  const double number = value->get<double>();
  if (number < static_cast<double>(lo) || number > static_cast<double>(hi)) {
    Refuse(name, "must be within " + std::to_string(lo) + ".." + std::to_string(hi) + " " + unit);
  }
  return static_cast<std::int64_t>(number);
}

std::string MetricNames() {
  std::string names;
  for (const MetricSpec& metric : Metrics()) names += (names.empty() ? "" : ", ") + std::string(metric.name);
  return names;
}

void ParseMetric(const nlohmann::json& body, Rule& rule) {
  rule.metric = Text(body, "metric", 64, true);
  const MetricSpec* metric = FindMetric(rule.metric);
  if (metric == nullptr) Refuse("metric", "unknown metric '" + rule.metric + "' (one of " + MetricNames() + ")");
  const std::string feature = Text(body, "feature", 64, false);
  if (metric->needs_feature && feature.empty()) Refuse("feature", "is required for " + rule.metric);
  if (!metric->needs_feature && !feature.empty()) Refuse("feature", "applies to drift metrics only");
  if (!feature.empty() && insights::FindFeature(feature) == nullptr) {
    Refuse("feature", "unknown feature '" + feature + "' (GET /v1/insights/drift lists them)");
  }
  if (!feature.empty()) rule.feature = feature;
}

void ParseComparison(const nlohmann::json& body, Rule& rule) {
  rule.comparator = Text(body, "comparator", 2, true);
  if (rule.comparator != "<" && rule.comparator != "<=" && rule.comparator != ">" && rule.comparator != ">=") {
    Refuse("comparator", "must be <, <=, > or >=");
  }
  const nlohmann::json* threshold = Member(body, "threshold");
  if (threshold == nullptr) Refuse("threshold", "is required");
  if (!threshold->is_number() || !std::isfinite(threshold->get<double>())) Refuse("threshold", "must be a number");
  rule.threshold = threshold->get<double>();
}

void ParseEmails(const nlohmann::json& body, Rule& rule) {
  const nlohmann::json* emails = Member(body, "emails");
  if (emails == nullptr) return;
  if (!emails->is_array()) Refuse("emails", "must be an array of e-mail addresses");
  if (emails->size() > kMaxEmails) Refuse("emails", "at most " + std::to_string(kMaxEmails) + " addresses");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < emails->size(); ++i) {
    const std::string field = "emails[" + std::to_string(i) + "]";
    const nlohmann::json& item = (*emails)[i];
    if (!item.is_string()) Refuse(field, "must be an e-mail address");
    const std::string address = item.get<std::string>();
    try {
      mail::ValidateAddress(field, address);
    } catch (const Error&) {
      Refuse(field, "is not an e-mail address");
    }
    if (seen.insert(address).second) rule.emails.push_back(address);
  }
}

void ParseWebhook(const nlohmann::json& body, Rule& rule, const UrlPolicy& policy) {
  const std::string url = Text(body, "webhook_url", 2048, false);
  const std::string secret = Text(body, "webhook_secret", 256, false);
  if (url.empty()) {
    if (!secret.empty()) Refuse("webhook_secret", "needs a webhook_url");
    return;
  }
  policy.Check(url);
  if (!secret.empty() && secret.size() < 16) Refuse("webhook_secret", "must be at least 16 characters");
  rule.webhook_url = url;
  if (!secret.empty()) rule.webhook_secret = secret;
}

}  // namespace

Rule ParseRule(const nlohmann::json& body, const UrlPolicy& policy) {
  if (!body.is_object()) throw Error(ErrorCode::kUnprocessable, "the rule must be a JSON object");
  static const std::set<std::string> kKnown = {"name",       "metric",      "feature",        "window_minutes",
                                               "comparator", "threshold",   "min_sample",     "cooldown_minutes",
                                               "emails",     "webhook_url", "webhook_secret", "enabled"};
  for (const auto& [name, value] : body.items()) {
    if (!kKnown.contains(name)) Refuse(name, "unknown field");
  }
  Rule rule;
  rule.name = Text(body, "name", 200, true);
  ParseMetric(body, rule);
  rule.window_minutes = Whole(body, "window_minutes", rule.window_minutes, 1, kMaxWindowMinutes, "minutes");
  ParseComparison(body, rule);
  rule.min_sample = Whole(body, "min_sample", rule.min_sample, 1, 1'000'000'000, "values");
  rule.cooldown_minutes = Whole(body, "cooldown_minutes", rule.cooldown_minutes, 0, kMaxWindowMinutes, "minutes");
  ParseEmails(body, rule);
  ParseWebhook(body, rule, policy);
  if (const nlohmann::json* enabled = Member(body, "enabled")) {
    if (!enabled->is_boolean()) Refuse("enabled", "must be true or false");
    rule.enabled = enabled->get<bool>();
  }
  return rule;
}

}  // namespace faceloop::alerts
