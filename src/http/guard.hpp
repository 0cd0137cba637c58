#pragma once
// The one top-level try/catch every handler runs in, and what it records: the request id on the
// thread's log lines, errors rendered as problems (5xx logged in full, answered generically), and
// the request counted under its route pattern.
#include <exception>
#include <string>

#include "http/http_metrics.hpp"
#include "http/server/message.hpp"
#include "http/server/router.hpp"

namespace faceloop::http {

/// What a handler threw, as the response: Error -> its problem; anything else -> 500. 5xx answers
/// are logged with the full text under the request id, which the answer names as error_id.
Response ErrorResponse(std::exception_ptr error, const Request& request);

/// Wraps a handler that answers before it returns.
AsyncHandler Guard(HttpMetrics& metrics, std::string route, SyncHandler handler);
/// Wraps a handler that may answer later, from another thread. It replies with a Response or, for a
/// failure after it returned, with ErrorResponse(...). Exceptions it throws are answered here.
AsyncHandler GuardAsync(HttpMetrics& metrics, std::string route, AsyncHandler handler);

}  // namespace faceloop::http
