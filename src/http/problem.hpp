#pragma once
// RFC 9457 problem details for faceloop::Error, and the one top-level try/catch every handler runs in.
#include <functional>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace faceloop::http {

class Metrics;

inline constexpr const char* kProblemContentType = "application/problem+json";
inline constexpr const char* kProblemTypeBase = "https://faceloop.dev/problems/";

/// {"type": "https://faceloop.dev/problems/<slug>", "title", "status", "detail"}.
nlohmann::json ProblemJson(const Error& error);
/// The problem for a bare status (no Error at hand, e.g. httplib's own 404/413).
nlohmann::json ProblemJsonForStatus(int status, const std::string& detail);
/// Writes `error` as the response: status, problem+json body, Retry-After for 429/503.
void WriteProblem(httplib::Response& res, const Error& error);

/// A route handler: throws faceloop::Error for anything a client can act on.
using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

/// Wraps a handler in the top-level catch (Error → its problem; anything else → 500 without
/// internals) and records the request in `metrics` under `route` (the pattern, not the path).
httplib::Server::Handler Guarded(Metrics& metrics, std::string route, Handler handler);

/// Sends `body` as application/json with `status`.
void WriteJson(httplib::Response& res, int status, const nlohmann::json& body);

}  // namespace faceloop::http
