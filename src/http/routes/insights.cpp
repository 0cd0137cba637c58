#include "http/routes/insights.hpp"

#include <chrono>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "insights/correlations.hpp"
#include "insights/drift.hpp"
#include "insights/feedback_summary.hpp"
#include "insights/outliers.hpp"
#include "insights/summary.hpp"

namespace faceloop::http {
namespace {

std::optional<std::string> Optional(const Request& req, const char* name) {
  if (!req.HasParam(name)) return std::nullopt;
  return req.Param(name);
}

void RequireAnalyst(const InsightsRoutes& s, const Request& req) {
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  if (!accounts::CanReadAll(who)) throw Error(ErrorCode::kForbidden, "insights are for analysts and admins");
}

insights::SummaryQuery WindowQuery(const InsightsRoutes& s, const Request& req) {
  return insights::ParseSummaryQuery({Optional(req, "from"), Optional(req, "to"), Optional(req, "bucket")},
                                     s.max_window_days, std::chrono::system_clock::now());
}

void GetSummary(const InsightsRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  const insights::SummaryQuery query = WindowQuery(s, req);
  s.read_your_writes();
  WriteJson(res, 200, insights::ToJson(insights::Summarize(s.database, query)));
}

void GetDrift(const InsightsRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  insights::DriftParams params{
      {}, Optional(req, "reference"), Optional(req, "current"), Optional(req, "model_version")};
  for (const auto& [name, value] : req.query) {
    if (name == "feature") params.features.push_back(value);  // repeatable
  }
  const insights::DriftQuery query =
      insights::ParseDriftQuery(params, s.max_window_days, std::chrono::system_clock::now());
  s.read_your_writes();
  WriteJson(res, 200, insights::ToJson(insights::ComputeDrift(s.database, query, s.drift_thresholds)));
}

void GetFeedback(const InsightsRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  const insights::SummaryQuery query = WindowQuery(s, req);
  WriteJson(res, 200, insights::ToJson(insights::SummarizeFeedback(s.database, query)));
}

void GetOutliers(const InsightsRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  const insights::OutlierQuery query = insights::ParseOutlierQuery(
      {Optional(req, "from"), Optional(req, "to"), Optional(req, "limit"), Optional(req, "threshold")},
      s.max_window_days, std::chrono::system_clock::now());
  s.read_your_writes();
  WriteJson(res, 200, insights::ToJson(insights::FindOutliers(s.database, query)));
}

void GetCorrelations(const InsightsRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  const insights::SummaryQuery query = insights::ParseSummaryQuery(
      {Optional(req, "from"), Optional(req, "to"), std::nullopt}, s.max_window_days, std::chrono::system_clock::now());
  s.read_your_writes();
  WriteJson(res, 200, insights::ToJson(insights::Correlate(s.database, query)));
}

}  // namespace

void RegisterInsightsRoutes(Router& router, HttpMetrics& metrics, const InsightsRoutes& routes) {
  router.Add("GET", "/v1/insights/summary",
             Guard(metrics, "GET /v1/insights/summary",
                   [routes](const Request& req, Response& res) { GetSummary(routes, req, res); }));
  router.Add("GET", "/v1/insights/drift",
             Guard(metrics, "GET /v1/insights/drift",
                   [routes](const Request& req, Response& res) { GetDrift(routes, req, res); }));
  router.Add("GET", "/v1/insights/feedback",
             Guard(metrics, "GET /v1/insights/feedback",
                   [routes](const Request& req, Response& res) { GetFeedback(routes, req, res); }));
  router.Add("GET", "/v1/insights/outliers",
             Guard(metrics, "GET /v1/insights/outliers",
                   [routes](const Request& req, Response& res) { GetOutliers(routes, req, res); }));
  router.Add("GET", "/v1/insights/correlations",
             Guard(metrics, "GET /v1/insights/correlations",
                   [routes](const Request& req, Response& res) { GetCorrelations(routes, req, res); }));
}

}  // namespace faceloop::http
