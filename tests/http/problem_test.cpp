#include "http/problem.hpp"

#include <gtest/gtest.h>

#include "http/metrics.hpp"

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

TEST(ProblemTest, WriteProblemSetsStatusContentTypeAndRetryAfter) {
  httplib::Response res;
  WriteProblem(res, Error(ErrorCode::kUnavailable, "queue full"));
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.get_header_value("Content-Type"), kProblemContentType);
  EXPECT_EQ(res.get_header_value("Retry-After"), "1");
  EXPECT_EQ(nlohmann::json::parse(res.body)["status"], 503);
}

TEST(ProblemTest, ProblemForBareStatusKeepsTheStatus) {
  const nlohmann::json problem = ProblemJsonForStatus(405, "method");
  EXPECT_EQ(problem["status"], 405);
  EXPECT_EQ(problem["title"], "Method Not Allowed");
}

TEST(ProblemTest, GuardedRendersErrorsAndHidesInternals) {
  Metrics metrics;
  httplib::Request req;
  httplib::Response res;
  Guarded(metrics, "GET /x", [](const httplib::Request&, httplib::Response&) {
    throw Error(ErrorCode::kNotFound, "no such request");
  })(req, res);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(nlohmann::json::parse(res.body)["type"], "https://faceloop.dev/problems/not-found");

  httplib::Response internal;
  Guarded(metrics, "GET /y", [](const httplib::Request&, httplib::Response&) {
    throw std::runtime_error("secret path /etc/x");
  })(req, internal);
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("secret"), std::string::npos);
  EXPECT_NE(metrics.Render().find("route=\"GET /x\",status=\"404\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace faceloop::http
