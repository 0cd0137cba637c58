#include "http/routes/dataset_exports.hpp"

#include <charconv>
#include <filesystem>
#include <memory>

#include "common/error.hpp"
#include "datasets/archive.hpp"
#include "datasets/export_store.hpp"
#include "datasets/job.hpp"
#include "http/body.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "http/routes/query_params.hpp"

namespace faceloop::http {
namespace {

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;

accounts::Principal RequireAnalyst(const DatasetExportRoutes& s, const Request& req) {
  accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  if (!accounts::CanReadAll(who)) throw Error(ErrorCode::kForbidden, "dataset exports are for analysts and admins");
  return who;
}

nlohmann::json Entry(const datasets::ExportRecord& record) {
  nlohmann::json json = datasets::ExportStore::ToJson(record);
  json["url"] = "/v1/exports/" + record.id;
  if (record.status == datasets::kComplete) json["archive_url"] = "/v1/exports/" + record.id + "/archive";
  return json;
}

void Create(const DatasetExportRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = RequireAnalyst(s, req);
  const nlohmann::json body = JsonBody(req);
  if (body.is_object() && body.contains("to")) {
    throw Error(ErrorCode::kUnprocessable,
                "parameter to is not accepted here: API exports are written to the data folder (faceloop export "
                "writes elsewhere)");
  }
  datasets::ExportParams params = datasets::ParseExportParams(body);
  const auto now = std::chrono::system_clock::now();
  const std::string id = datasets::NewExportId(now);
  params.to = (std::filesystem::path(s.exports_dir) / id).string();
  const datasets::ExportRecord record = datasets::StartExport(s.database, params, id, who.user_id, now);
  s.submit(params, id);
  res.headers.Set("Location", "/v1/exports/" + id);
  WriteJson(res, 202, Entry(record));
}

void List(const DatasetExportRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  const int limit = LimitParam(req, kDefaultLimit, kMaxLimit);
  const auto cursor = req.HasParam("cursor") ? std::optional(req.Param("cursor")) : std::nullopt;
  const auto found = datasets::ExportStore(s.database).List(limit, cursor);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& record : found) items.push_back(Entry(record));
  const bool more = static_cast<int>(found.size()) == limit;
  WriteJson(res, 200, {{"exports", items}, {"next_cursor", more ? nlohmann::json(found.back().id) : nlohmann::json()}});
}

datasets::ExportRecord Found(const DatasetExportRoutes& s, const Request& req) {
  auto record = datasets::ExportStore(s.database).Find(req.path_params.at(0));
  if (!record) throw Error(ErrorCode::kNotFound, "no such export");
  return std::move(*record);
}

void Get(const DatasetExportRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  WriteJson(res, 200, Entry(Found(s, req)));
}

void Archive(const DatasetExportRoutes& s, const Request& req, Response& res) {
  RequireAnalyst(s, req);
  const datasets::ExportRecord record = Found(s, req);
  if (record.status != datasets::kComplete) throw Error(ErrorCode::kConflict, "the export is " + record.status);
  if (record.location.starts_with("s3://") || !std::filesystem::is_directory(record.location)) {
    throw Error(ErrorCode::kNotFound, "the export is not a folder of this service (read it from its location)");
  }
  // Streamed: one chunk of one file in memory at a time, whatever the export's size.
  auto tar = std::make_shared<datasets::TarStream>(record.location, record.id);
  const std::uint64_t length = tar->size();
  res.SetStream(
      length, [tar](char* out, std::size_t capacity) { return tar->Read(out, capacity); }, "application/x-tar");
  res.headers.Set("Content-Disposition", "attachment; filename=\"" + record.id + ".tar\"");
}

}  // namespace

void RegisterDatasetExportRoutes(Router& router, HttpMetrics& metrics, const DatasetExportRoutes& routes) {
  auto add = [&](const char* method, const char* path,
                 void (*handler)(const DatasetExportRoutes&, const Request&, Response&)) {
    router.Add(method, path,
               Guard(metrics, std::string(method) + " " + path,
                     [routes, handler](const Request& req, Response& res) { handler(routes, req, res); }));
  };
  add("POST", "/v1/exports", Create);
  add("GET", "/v1/exports", List);
  add("GET", "/v1/exports/{id}", Get);
  add("GET", "/v1/exports/{id}/archive", Archive);
}

}  // namespace faceloop::http
