#pragma once
// POST /v1/detect. The request's id (assigned by the front end, sent back as X-Request-Id) is the
// record's id. Before answering, the input image (local object store) and the request record
// (the spool) are durable, both group-committed, so every answered request_id reaches the backends
// even after a crash.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "accounts/auth_cache.hpp"
#include "detect/detect_pool.hpp"
#include "events/pipeline.hpp"
#include "http/http_metrics.hpp"
#include "http/quotas.hpp"
#include "http/server/router.hpp"
#include "telemetry/metrics.hpp"

namespace faceloop::http {

struct DetectRoutes {
  accounts::AuthCache& auth;
  KeyQuotas& quotas;
  /// A new time-ordered id (for each image of a batch).
  std::function<std::string()> new_id;
  detect::DetectPool& pool;
  std::vector<std::string> models;  ///< the names a request may choose (no onnx:<path>)
  std::string default_model;
  events::Pipeline& pipeline;  ///< where request records go, each with its image
  std::size_t max_image_bytes;
  bool truncate_client_ip;
  telemetry::Counter& faces;
  /// testing.allow_client_time: take the record's time from X-Faceloop-Received-At (client_time.hpp).
  bool allow_client_time = false;
};

void RegisterDetectRoutes(Router& router, HttpMetrics& metrics, DetectRoutes routes);

}  // namespace faceloop::http
