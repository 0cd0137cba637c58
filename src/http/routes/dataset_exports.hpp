#pragma once
// Dataset exports for analysts and admins (docs/datasets.md): POST /v1/exports starts one (202
// with its id; it runs on the service's export worker), GET /v1/exports lists them newest first,
// GET /v1/exports/{id} says how one stands, GET /v1/exports/{id}/archive downloads a complete one
// as a tar. Plain users get 403. API exports are written under the data folder (exports/<id>):
// an API caller never names a path on the server.
#include <functional>
#include <string>

#include "accounts/auth_cache.hpp"
#include "datasets/params.hpp"
#include "db/database.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"

namespace faceloop::http {

struct DatasetExportRoutes {
  accounts::AuthCache& auth;
  db::IDatabase& database;
  std::string exports_dir;  ///< <data>/exports
  /// Queues the export of a started row (datasets::ExportWorker::Submit).
  std::function<void(datasets::ExportParams, std::string)> submit;
};

void RegisterDatasetExportRoutes(Router& router, HttpMetrics& metrics, const DatasetExportRoutes& routes);

}  // namespace faceloop::http
