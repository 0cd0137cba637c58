#pragma once
// POST /v1/labels/import?format=labelstudio|coco: a label file (the body, JSON) into the labels
// table, answered with the per-task report (labels/import.hpp). Anyone signed in may import;
// callers who are not analysts only for their own requests (others' read as unknown ids). GET
// /v1/labels/imports: the imports, for analysts and admins.
#include <cstddef>
#include <functional>

#include "accounts/auth_cache.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"
#include "labels/store.hpp"
#include "requests/store.hpp"

namespace faceloop::http {

struct LabelRoutes {
  accounts::AuthCache& auth;
  requests::RequestStore& requests;
  labels::LabelStore& labels;
  std::size_t max_bytes;  ///< limits.labels_import_max_mb: 413 above
  /// Waits (bounded) until the database holds every record this process spooled: labels for
  /// requests answered a moment ago find their records.
  std::function<void()> read_your_writes;
};

void RegisterLabelRoutes(Router& router, HttpMetrics& metrics, const LabelRoutes& routes);

}  // namespace faceloop::http
