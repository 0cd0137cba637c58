#include "http/routes/insights.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>

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
  // As RegisterRequestRoutes: one helper captures the routes once, each handler copies them.
  auto add = [&router, &metrics, routes = std::move(routes)](
                 const char* pattern, void (*fn)(const InsightsRoutes&, const Request&, Response&)) {
    router.Add("GET", pattern,
               Guard(metrics, std::string("GET ") + pattern,
                     [routes, fn](const Request& req, Response& res) { fn(routes, req, res); }));
  };
  add("/v1/insights/summary", GetSummary);
  add("/v1/insights/outliers", GetOutliers);
  add("/v1/insights/correlations", GetCorrelations);
}

}  // namespace faceloop::http
