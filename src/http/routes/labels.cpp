#include "http/routes/labels.hpp"

#include <charconv>
#include <istream>
#include <streambuf>

#include "common/error.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "http/routes/query_params.hpp"
#include "labels/import.hpp"
#include "telemetry/log.hpp"

namespace faceloop::http {
namespace {

constexpr int kDefaultLimit = 20;  // GET /v1/labels/imports
constexpr int kMaxLimit = 100;

const telemetry::Logger kLog("labels");

/// The body as a stream without a copy: the importer reads it task by task.
class BodyBuffer : public std::streambuf {
 public:
  explicit BodyBuffer(const std::string& body) {
    char* begin = const_cast<char*>(body.data());  // NOLINT: read only (no putback area is written)
    setg(begin, begin, begin + body.size());
  }
};

void Import(const LabelRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  if (!req.HasParam("format")) throw Error(ErrorCode::kUnprocessable, "query parameter format is required");
  const labels::Source source = labels::ParseSource(req.Param("format"), "query parameter format");
  if (req.body.size() > s.max_bytes) {
    throw Error(ErrorCode::kPayloadTooLarge, "a label file may be at most " + std::to_string(s.max_bytes >> 20) +
                                                 " MiB (limits.labels_import_max_mb)");
  }
  s.read_your_writes();
  BodyBuffer buffer(req.body);
  std::istream in(&buffer);
  try {
    const labels::ImportReport report = labels::ImportLabels(
        s.labels, s.requests, {who.user_id, accounts::CanReadAll(who)}, source, in, labels::Sha256Hex(req.body));
    kLog.Info("labels imported", {{"stored", report.summary.stored},
                                  {"unchanged", report.summary.unchanged},
                                  {"unknown", report.summary.unknown},
                                  {"conflicts", report.summary.conflicts}});
    WriteJson(res, report.changed ? 201 : 200, labels::ToJson(report));
  } catch (const labels::ImportRejected& rejected) {
    // The problem, with every task's line so a client can fix them all at once.
    WriteProblem(res, rejected);
    nlohmann::json problem = ProblemJson(rejected);
    problem["lines"] = labels::ToJson(rejected.report())["lines"];
    res.SetContent(problem.dump(), kProblemContentType);
  }
}

void Imports(const LabelRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  if (!accounts::CanReadAll(who)) throw Error(ErrorCode::kForbidden, "label imports are for analysts and admins");
  nlohmann::json items = nlohmann::json::array();
  for (const labels::LabelImport& import : s.labels.Imports(LimitParam(req, kDefaultLimit, kMaxLimit))) {
    items.push_back(labels::ToJson(import));
  }
  WriteJson(res, 200, {{"imports", items}});
}

}  // namespace

void RegisterLabelRoutes(Router& router, HttpMetrics& metrics, const LabelRoutes& routes) {
  router.Add("POST", "/v1/labels/import",
             Guard(metrics, "POST /v1/labels/import",
                   [routes](const Request& req, Response& res) { Import(routes, req, res); }));
  router.Add("GET", "/v1/labels/imports",
             Guard(metrics, "GET /v1/labels/imports",
                   [routes](const Request& req, Response& res) { Imports(routes, req, res); }));
}

}  // namespace faceloop::http
