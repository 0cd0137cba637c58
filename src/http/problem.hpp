#pragma once
// RFC 9457 problem details for faceloop::Error. A 4xx says what was wrong; a 5xx says only that
// something failed and gives an error id (the request id), under which the full text is logged:
// backend messages (SQL, S3, file paths) never reach a client.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "http/server/message.hpp"

namespace faceloop::http {

inline constexpr const char* kProblemContentType = "application/problem+json";
inline constexpr const char* kProblemTypeBase = "https://faceloop.dev/problems/";

/// {"type": "https://faceloop.dev/problems/<slug>", "title", "status", "detail"}, the error's own
/// message as detail (use for 4xx).
nlohmann::json ProblemJson(const Error& error);
/// The problem for a bare status (no Error at hand: the engine's own 404, 405, 413, 431, ...).
nlohmann::json ProblemJsonForStatus(int status, const std::string& detail);
/// Writes `error` as the response: status, problem+json body, Retry-After for 429 and 503. A 5xx
/// gets a generic detail and "error_id": `error_id`.
void WriteProblem(Response& res, const Error& error, std::string_view error_id = {});
/// A problem response for a bare status.
Response ProblemResponse(int status, const std::string& detail);
/// Sends `body` as application/json with `status`.
void WriteJson(Response& res, int status, const nlohmann::json& body);

}  // namespace faceloop::http
