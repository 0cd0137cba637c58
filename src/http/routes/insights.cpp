#include "http/routes/insights.hpp"

#include <chrono>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "insights/correlations.hpp"
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

void GetSummary(const InsightsRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  const insights::SummaryQuery query =
      insights::ParseSummaryQuery({Optional(req, "from"), Optional(req, "to"), Optional(req, "bucket")},
                                  s.max_window_days, std::chrono::system_clock::now());
  s.read_your_writes();
  WriteJson(res, 200, insights::ToJson(insights::Summarize(s.database, query)));
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

void RegisterInsightsRoutes(Router& router, HttpMetrics& metrics, InsightsRoutes routes) {
  router.Add("GET", "/v1/insights/summary",
             Guard(metrics, "GET /v1/insights/summary",
                   [routes](const Request& req, Response& res) { GetSummary(routes, req, res); }));
  router.Add("GET", "/v1/insights/outliers",
             Guard(metrics, "GET /v1/insights/outliers",
                   [routes](const Request& req, Response& res) { GetOutliers(routes, req, res); }));
  router.Add("GET", "/v1/insights/correlations",
             Guard(metrics, "GET /v1/insights/correlations",
                   [routes](const Request& req, Response& res) { GetCorrelations(routes, req, res); }));
}

}  // namespace faceloop::http
