#include "http/routes/reports.hpp"

#include <charconv>

#include "common/error.hpp"
#include "common/time.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "reports/period.hpp"
#include "reports/report_json.hpp"

namespace faceloop::http {
namespace {

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;

void RequireAnalyst(const ReportRoutes& s, const Request& req) {
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  if (!accounts::CanReadAll(who)) throw Error(ErrorCode::kForbidden, "reports are for analysts and admins");
}

reports::ReportListQuery ParseListQuery(const Request& req) {
  reports::ReportListQuery query;
  if (req.HasParam("limit")) {
    const std::string text = req.Param("limit");
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), query.limit);
    if (ec != std::errc() || end != text.data() + text.size() || query.limit < 1 || query.limit > kMaxLimit) {
      throw Error(ErrorCode::kUnprocessable, "query parameter limit must be an integer within 1..100");
    }
  } else {
    query.limit = kDefaultLimit;
  }
  if (req.HasParam("period")) {
    query.period =
        std::string(reports::PeriodName(reports::ParsePeriod(req.Param("period"), "query parameter period")));
  }
  if (req.HasParam("cursor")) query.cursor = req.Param("cursor");
  return query;
}

/// A listing's entry: what the report is about, and where to read it.
nlohmann::json Entry(const reports::StoredReport& r) {
  return {{"id", r.id},
          {"period", r.period},
          {"first_day", r.report.first_day},
          {"time_zone", r.time_zone},
          {"start", FormatTimestamp(r.start)},
          {"end", FormatTimestamp(r.end)},
          {"created_at", FormatTimestamp(r.created_at)},
          {"sent_at", r.sent_at ? nlohmann::json(FormatTimestamp(*r.sent_at)) : nlohmann::json()},
          {"requests", r.report.all.requests},
          {"url", "/v1/reports/" + r.id}};
}

void List(const ReportRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  const reports::ReportListQuery query = ParseListQuery(req);
  const std::vector<reports::StoredReport> found = s.store.List(query);
  nlohmann::json items = nlohmann::json::array();
  for (const reports::StoredReport& r : found) items.push_back(Entry(r));
  const bool more = static_cast<int>(found.size()) == query.limit;
  WriteJson(res, 200, {{"reports", items}, {"next_cursor", more ? nlohmann::json(found.back().id) : nlohmann::json()}});
}

void Get(const ReportRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  const auto found = s.store.Find(req.path_params.at(0));
  if (!found) throw Error(ErrorCode::kNotFound, "no such report");
  nlohmann::json json = reports::ToJson(found->report);
  json["sent_at"] = found->sent_at ? nlohmann::json(FormatTimestamp(*found->sent_at)) : nlohmann::json();
  WriteJson(res, 200, json);
}

}  // namespace

void RegisterReportRoutes(Router& router, HttpMetrics& metrics, const ReportRoutes& routes) {
  router.Add("GET", "/v1/reports", Guard(metrics, "GET /v1/reports", [routes](const Request& req, Response& res) {
               List(routes, req, res);
             }));
  router.Add(
      "GET", "/v1/reports/{id}",
      Guard(metrics, "GET /v1/reports/{id}", [routes](const Request& req, Response& res) { Get(routes, req, res); }));
}

}  // namespace faceloop::http
