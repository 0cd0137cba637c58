#include "http/problem.hpp"

#include "http/typed_error.hpp"

namespace faceloop::http {
namespace {

// RFC 6750 §3: every 401 names the scheme the client should use (API keys and session tokens are
// both bearer tokens).
constexpr const char* kBearerChallenge = "Bearer realm=\"faceloop\"";

ErrorCode CodeForStatus(int status) {
  switch (status) {
    case 400: return ErrorCode::kBadRequest;
    case 401: return ErrorCode::kUnauthenticated;
    case 403: return ErrorCode::kForbidden;
    case 404: return ErrorCode::kNotFound;
    case 405: return ErrorCode::kMethodNotAllowed;
    case 406: return ErrorCode::kNotAcceptable;
    case 408: return ErrorCode::kRequestTimeout;
    case 409: return ErrorCode::kConflict;
    case 410: return ErrorCode::kGone;
    case 413: return ErrorCode::kPayloadTooLarge;
    case 415: return ErrorCode::kUnsupportedMediaType;
    case 422: return ErrorCode::kUnprocessable;
    case 431: return ErrorCode::kHeaderFieldsTooLarge;
    case 429: return ErrorCode::kTooManyRequests;
    case 503: return ErrorCode::kUnavailable;
    default: return status >= 500 ? ErrorCode::kInternal : ErrorCode::kBadRequest;
  }
}

const char* Title(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 431: return "Request Header Fields Too Large";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

}  // namespace

nlohmann::json ProblemJson(const Error& error) {
  const int status = error.http_status();
  const auto* typed = dynamic_cast<const TypedError*>(&error);
  const std::string slug = typed != nullptr ? typed->slug() : std::string(TypeSlug(error.code()));
  return {{"type", std::string(kProblemTypeBase) + slug},
          {"title", Title(status)},
          {"status", status},
          {"detail", error.what()}};
}

nlohmann::json ProblemJsonForStatus(int status, const std::string& detail) {
  nlohmann::json json = ProblemJson(Error(CodeForStatus(status), detail));
  json["status"] = status;  // keep the real status even where no ErrorCode maps to it (405, ...)
  json["title"] = Title(status);
  return json;
}

namespace {

std::string GenericDetail(int status) {
  return status == 503 ? "the service is temporarily unavailable; retry after the Retry-After delay" : "internal error";
}

}  // namespace

void WriteProblem(Response& res, const Error& error, std::string_view error_id) {
  res.status = error.http_status();
  if (res.status == 429 || res.status == 503) res.headers.Set("Retry-After", "1");
  if (res.status == 401) res.headers.Set("WWW-Authenticate", kBearerChallenge);
  nlohmann::json problem = ProblemJson(error);
  if (res.status >= 500) {
    problem["detail"] = GenericDetail(res.status);
    if (!error_id.empty()) {
      problem["detail"] = GenericDetail(res.status) + " (error id " + std::string(error_id) + ")";
      problem["error_id"] = error_id;
    }
  }
  res.SetContent(problem.dump(), kProblemContentType);
}

Response ProblemResponse(int status, const std::string& detail) {
  Response res;
  res.status = status;
  if (status == 429 || status == 503) res.headers.Set("Retry-After", "1");
  if (status == 401) res.headers.Set("WWW-Authenticate", kBearerChallenge);
  res.SetContent(ProblemJsonForStatus(status, detail).dump(), kProblemContentType);
  return res;
}

void WriteJson(Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.SetContent(body.dump(), "application/json");
}

}  // namespace faceloop::http
