#include "http/guard.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <utility>

#include "common/error.hpp"
#include "http/problem.hpp"
#include "http/quotas.hpp"
#include "telemetry/log.hpp"

namespace faceloop::http {
namespace {

const telemetry::Logger kLog("http");

using Clock = std::chrono::steady_clock;

/// The reply a guarded handler gets: records the request once, when it is answered.
Reply MeteredReply(HttpMetrics& metrics, const std::string& route, Reply reply) {
  return [&metrics, &route, reply = std::move(reply), start = Clock::now()](Response response) {
    metrics.Record(route, response.status, std::chrono::duration<double>(Clock::now() - start).count());
    reply(std::move(response));
  };
}

}  // namespace

Response ErrorResponse(std::exception_ptr error, const Request& request) {
  Response response;
  try {
    std::rethrow_exception(std::move(error));
  } catch (const ErrorWithHeaders& e) {
    WriteProblem(response, e, request.request_id);
    AddHeaders(response, e.headers());
  } catch (const Error& e) {
    if (e.http_status() >= 500) {
      kLog.Error("request failed", {{"status", e.http_status()}, {"path", request.path}, {"error", e.what()}});
    }
    WriteProblem(response, e, request.request_id);
  } catch (const std::exception& e) {
    kLog.Error("request failed", {{"status", 500}, {"path", request.path}, {"error", e.what()}});
    WriteProblem(response, Error(ErrorCode::kInternal, "internal error"), request.request_id);
  } catch (...) {
    kLog.Error("request failed", {{"status", 500}, {"path", request.path}, {"error", "unknown exception"}});
    WriteProblem(response, Error(ErrorCode::kInternal, "internal error"), request.request_id);
  }
  return response;
}

AsyncHandler Guard(HttpMetrics& metrics, std::string route, SyncHandler handler) {
  return GuardAsync(metrics, std::move(route), Synchronous(std::move(handler)));
}

AsyncHandler GuardAsync(HttpMetrics& metrics, std::string route, AsyncHandler handler) {
  return [&metrics, route = std::move(route), handler = std::move(handler)](const RequestPtr& request, Reply reply) {
    const telemetry::ScopedRequestId log_id(request->request_id);
    // Shared so that an exception thrown after the handler already replied is not answered twice.
    auto answered = std::make_shared<std::atomic<bool>>(false);
    Reply once = [answered, metered = MeteredReply(metrics, route, std::move(reply))](Response response) {
      if (!answered->exchange(true)) metered(std::move(response));
    };
    try {
      handler(request, once);
    } catch (...) {
      if (answered->load()) {
        kLog.Error("handler threw after replying", {{"route", route}});
        return;
      }
      once(ErrorResponse(std::current_exception(), *request));
    }
  };
}

}  // namespace faceloop::http
