#include "http/problem.hpp"

#include <gtest/gtest.h>

#include "http/guard.hpp"
#include "telemetry/log.hpp"

namespace faceloop::http {
namespace {

TEST(ProblemTest, RendersRfc9457Fields) {
  const nlohmann::json problem = ProblemJson(Error(ErrorCode::kPayloadTooLarge, "image is 60 MP; the limit is 50 MP"));
  EXPECT_EQ(problem["type"], "https://faceloop.dev/problems/" + std::string(TypeSlug(ErrorCode::kPayloadTooLarge)));
  EXPECT_EQ(problem["status"], 413);
  EXPECT_EQ(problem["title"], "Content Too Large");
  EXPECT_EQ(problem["detail"], "image is 60 MP; the limit is 50 MP");
  EXPECT_EQ(problem.size(), 4u);
}

TEST(ProblemTest, GoneHasItsOwnTypeAndTitle) {
  // An expired feedback link: a client must tell it from a bad one (401) and a used one (409).
  const nlohmann::json problem = ProblemJson(Error(ErrorCode::kGone, "this feedback link has expired"));
  EXPECT_EQ(problem["type"], "https://faceloop.dev/problems/gone");
  EXPECT_EQ(problem["status"], 410);
  EXPECT_EQ(problem["title"], "Gone");
  EXPECT_EQ(ProblemJsonForStatus(410, "x")["type"], "https://faceloop.dev/problems/gone");
}

TEST(ProblemTest, WriteProblemSetsStatusContentTypeAndRetryAfter) {
  Response res;
  WriteProblem(res, Error(ErrorCode::kUnavailable, "queue full"));
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.headers.Get("Content-Type"), kProblemContentType);
  EXPECT_EQ(res.headers.Get("Retry-After"), "1");
  EXPECT_EQ(nlohmann::json::parse(res.body)["status"], 503);
}

TEST(ProblemTest, ServerErrorsAreGenericWithAnErrorId) {
  Response res;
  WriteProblem(res, Error(ErrorCode::kUnavailable, "pq: connection to 10.0.0.5 refused"), "r123");
  const auto problem = nlohmann::json::parse(res.body);
  EXPECT_EQ(problem["error_id"], "r123");
  EXPECT_EQ(problem["detail"].get<std::string>().find("10.0.0.5"), std::string::npos);
  EXPECT_NE(problem["detail"].get<std::string>().find("r123"), std::string::npos);
}

TEST(ProblemTest, ProblemForBareStatusKeepsTheStatus) {
  const nlohmann::json problem = ProblemJsonForStatus(405, "method");
  EXPECT_EQ(problem["status"], 405);
  EXPECT_EQ(problem["title"], "Method Not Allowed");
  EXPECT_EQ(problem["type"], "https://faceloop.dev/problems/method-not-allowed");
}

Response Call(const AsyncHandler& handler, const std::string& id) {
  auto request = std::make_shared<Request>();
  request->request_id = id;
  Response answer;
  handler(request, [&answer](Response r) { answer = std::move(r); });
  return answer;
}

TEST(ProblemTest, GuardRendersErrorsHidesInternalsAndLogsThemWithTheRequestId) {
  std::vector<std::string> lines;
  telemetry::ConfigureLogging({}, [&lines](std::string_view line) { lines.emplace_back(line); });
  telemetry::MetricsRegistry registry;
  HttpMetrics metrics(registry);
  const Response not_found = Call(
      Guard(metrics, "GET /x", [](const Request&, Response&) { throw Error(ErrorCode::kNotFound, "no such request"); }),
      "r1");
  EXPECT_EQ(not_found.status, 404);
  EXPECT_EQ(nlohmann::json::parse(not_found.body)["type"], "https://faceloop.dev/problems/not-found");

  const Response internal =
      Call(Guard(metrics, "GET /y", [](const Request&, Response&) { throw std::runtime_error("secret path /etc/x"); }),
           "r2");
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("secret"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(internal.body)["error_id"], "r2");
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("secret path /etc/x"), std::string::npos);
  EXPECT_NE(lines.back().find("request_id=r2"), std::string::npos);
  EXPECT_NE(registry.Render().find("route=\"GET /x\",status=\"404\"} 1"), std::string::npos);
  telemetry::ConfigureLogging({});
}

}  // namespace
}  // namespace faceloop::http
