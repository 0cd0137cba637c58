#include "http/access_log.hpp"

#include <cmath>

#include "telemetry/log.hpp"

namespace faceloop::http {

void LogAccess(const Request& request, const Response& response, double seconds) {
  static const telemetry::Logger log("access");
  const telemetry::ScopedRequestId id(request.request_id);
  log.Info("request", {{"method", request.method},
                       {"path", request.path},
                       {"status", response.status},
                       {"ms", std::round(seconds * 1e5) / 100},
                       {"in_bytes", request.body.size()},
                       {"out_bytes", response.BodySize()},
                       {"peer", request.remote_addr}});
}

}  // namespace faceloop::http
