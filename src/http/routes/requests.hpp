#pragma once
// GET /v1/requests, /v1/requests/{id}, /v1/requests/{id}/image: the request history. Users read
// their own records; analysts and admins everyone's (?user_id narrows). Records of others are 404,
// never 403, so ids cannot be probed.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "accounts/auth_cache.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"
#include "requests/store.hpp"
#include "storage/object_store.hpp"

namespace faceloop::http {

struct RequestRoutes {
  accounts::AuthCache& auth;
  requests::RequestStore& store;
  storage::IObjectStore& images;
  /// Waits (bounded) until the database holds every record this process spooled: a client reads
  /// its own detects at once.
  std::function<void()> read_your_writes;
  /// Waits (bounded) until the object store holds every image this process spooled; false when
  /// the wait timed out. Null: images are stored before their records are readable.
  std::function<bool()> images_written;
  /// The feedback on a request that the principal may see (GET /v1/requests/{id}'s "feedback");
  /// null: the answer has none.
  std::function<nlohmann::json(const std::string& request_id, const accounts::Principal& who)> feedback_of;
};

void RegisterRequestRoutes(Router& router, HttpMetrics& metrics, const RequestRoutes& routes);

}  // namespace faceloop::http
