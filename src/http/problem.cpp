#include "http/problem.hpp"

#include <chrono>
#include <iostream>

#include "http/metrics.hpp"

namespace faceloop::http {
namespace {

ErrorCode CodeForStatus(int status) {
  switch (status) {
    case 400: return ErrorCode::kBadRequest;
    case 401: return ErrorCode::kUnauthenticated;
    case 403: return ErrorCode::kForbidden;
    case 404: return ErrorCode::kNotFound;
    case 409: return ErrorCode::kConflict;
    case 413: return ErrorCode::kPayloadTooLarge;
    case 415: return ErrorCode::kUnsupportedMediaType;
    case 422: return ErrorCode::kUnprocessable;
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
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

}  // namespace

nlohmann::json ProblemJson(const Error& error) {
  const int status = error.http_status();
  return {{"type", std::string(kProblemTypeBase) + std::string(TypeSlug(error.code()))},
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

void WriteProblem(httplib::Response& res, const Error& error) {
  res.status = error.http_status();
  if (res.status == 429 || res.status == 503) res.set_header("Retry-After", "1");
  res.set_content(ProblemJson(error).dump(), kProblemContentType);
}

void WriteJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

httplib::Server::Handler Guarded(Metrics& metrics, std::string route, Handler handler) {
  return [&metrics, route = std::move(route), handler = std::move(handler)](const httplib::Request& req,
                                                                            httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    try {
      handler(req, res);
    } catch (const Error& error) {
      WriteProblem(res, error);
    } catch (const std::exception& e) {
      // Internals stay in the server log, never in the response.
      std::cerr << "faceloop: internal error on " << route << ": " << e.what() << "\n";
      WriteProblem(res, Error(ErrorCode::kInternal, "internal error"));
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    // httplib leaves -1 for "not set" and sends 200 then.
    metrics.RecordRequest(route, res.status < 0 ? 200 : res.status, elapsed.count());
  };
}

}  // namespace faceloop::http
