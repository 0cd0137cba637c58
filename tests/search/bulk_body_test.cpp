// The OpenSearch sink without a node: index naming, the NDJSON _bulk body, the _bulk response
// reading, the index templates and the sink's configuration checks. The node tests are in
// opensearch_sink_test.cpp.
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "search/index_templates.hpp"
#include "search/opensearch_sink.hpp"
#include "support/error_code.hpp"

namespace faceloop::search {
namespace {

using faceloop::testing::CodeOf;
using nlohmann::json;
using std::chrono::system_clock;

system_clock::time_point At(int y, unsigned m, unsigned d, int hours = 0, int seconds = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / m / d} + std::chrono::hours{hours} +
         std::chrono::seconds{seconds};
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(IndexName, UsesTheUtcDateOfTheDocument) {
  EXPECT_EQ(IndexName("faceloop", "requests", At(2024, 2, 29, 23, 3599)), "faceloop-requests-2024.02.29");
  EXPECT_EQ(IndexName("faceloop", "requests", At(2024, 3, 1)), "faceloop-requests-2024.03.01");
  EXPECT_EQ(IndexName("fl", "events", At(1999, 12, 31, 12)), "fl-events-1999.12.31");
}

TEST(BuildBulkBody, WritesOneActionAndOneSourceLinePerDocument) {
  const std::vector<Document> docs = {
      {"requests", "r-1", At(2024, 5, 1, 10), {{"request_id", "r-1"}, {"user_agent", "line one\nline two"}}},
      {"events", "e\"2", At(2024, 5, 2, 1), {{"event_id", "e\"2"}, {"type", "signup"}}},
  };
  std::vector<std::string> sent;
  BulkResult result;
  const std::string body = BuildBulkBody("faceloop", docs, sent, result);

  ASSERT_FALSE(body.empty());
  EXPECT_EQ(body.back(), '\n');  // _bulk needs the last line terminated too
  const auto lines = Lines(body);
  ASSERT_EQ(lines.size(), 4U);
  const json action0 = json::parse(lines[0]);
  EXPECT_EQ(action0["index"]["_index"], "faceloop-requests-2024.05.01");
  EXPECT_EQ(action0["index"]["_id"], "r-1");
  EXPECT_EQ(json::parse(lines[1])["user_agent"], "line one\nline two");  // escaped, still one line
  EXPECT_EQ(json::parse(lines[2])["index"]["_index"], "faceloop-events-2024.05.02");
  EXPECT_EQ(json::parse(lines[2])["index"]["_id"], "e\"2");
  EXPECT_EQ(sent, (std::vector<std::string>{"r-1", "e\"2"}));
  EXPECT_TRUE(result.rejected_ids.empty());
}

TEST(BuildBulkBody, ReplacesInvalidUtf8InsteadOfFailingTheBatch) {
  const std::vector<Document> docs = {
      {"requests", "r-1", At(2024, 5, 1), {{"user_agent", std::string("bad \xff byte")}}}};
  std::vector<std::string> sent;
  BulkResult result;
  const auto lines = Lines(BuildBulkBody("faceloop", docs, sent, result));
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(json::parse(lines[1])["user_agent"], "bad \xEF\xBF\xBD byte");
}

TEST(BuildBulkBody, ReportsDocumentsThatCannotBeSentWithoutSendingThem) {
  const std::vector<Document> docs = {
      {"requests", "ok", At(2024, 5, 1), {{"request_id", "ok"}}},
      {"metrics", "bad-family", At(2024, 5, 1), json::object()},
      {"requests", "", At(2024, 5, 1), json::object()},
      {"events", "not-object", At(2024, 5, 1), json::array({1, 2})},
  };
  std::vector<std::string> sent;
  BulkResult result;
  const auto lines = Lines(BuildBulkBody("faceloop", docs, sent, result));
  EXPECT_EQ(lines.size(), 2U);
  EXPECT_EQ(sent, std::vector<std::string>{"ok"});
  EXPECT_EQ(result.rejected_ids, (std::vector<std::string>{"bad-family", "", "not-object"}));
  EXPECT_EQ(result.rejected_reasons.size(), 3U);
}

TEST(ReadBulkResponse, NoErrorsMeansNothingRejected) {
  BulkResult result;
  ReadBulkResponse(R"({"errors":false,"items":[{"index":{"status":201}},{"index":{"status":200}}]})", {"a", "b"},
                   result);
  EXPECT_TRUE(result.rejected_ids.empty());
}

TEST(ReadBulkResponse, ItemRefusalsAreRejectedByPosition) {
  BulkResult result;
  ReadBulkResponse(R"({"errors":true,"items":[
      {"index":{"status":201}},
      {"index":{"status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [face_count]"}}},
      {"index":{"status":200}}]})",
                   {"a", "b", "c"}, result);
  EXPECT_EQ(result.rejected_ids, std::vector<std::string>{"b"});
  ASSERT_EQ(result.rejected_reasons.size(), 1U);
  EXPECT_NE(result.rejected_reasons[0].find("mapper_parsing_exception"), std::string::npos);
}

TEST(ReadBulkResponse, TransientItemFailuresFailTheWholeBatch) {
  const std::vector<std::string> sent = {"a", "b"};
  for (const char* status : {"429", "503"}) {
    const std::string response = std::string(R"({"errors":true,"items":[{"index":{"status":400,"error":{}}},)") +
                                 R"({"index":{"status":)" + status + R"(,"error":{"type":"busy"}}}]})";
    BulkResult result;
    EXPECT_EQ(CodeOf([&] { ReadBulkResponse(response, sent, result); }), ErrorCode::kUnavailable) << status;
  }
}

TEST(ReadBulkResponse, MalformedResponsesAreRetried) {
  BulkResult result;
  EXPECT_EQ(CodeOf([&] { ReadBulkResponse("<html>proxy error</html>", {"a"}, result); }), ErrorCode::kUnavailable);
  EXPECT_EQ(CodeOf([&] { ReadBulkResponse(R"({"errors":true,"items":[]})", {"a"}, result); }), ErrorCode::kUnavailable);
}

TEST(IndexTemplates, AreClosedTypedAndCoverEveryFamily) {
  const auto templates = IndexTemplates({"acme", 2});
  ASSERT_EQ(templates.size(), 3U);
  const json& requests = templates[0].body;
  EXPECT_EQ(templates[0].name, "acme-requests");
  EXPECT_EQ(requests["index_patterns"], json::array({"acme-requests-*"}));
  EXPECT_EQ(requests["priority"], kTemplatePriority);
  EXPECT_EQ(requests["template"]["settings"]["number_of_replicas"], 2);
  const json& mappings = requests["template"]["mappings"];
  EXPECT_EQ(mappings["dynamic"], false);
  EXPECT_EQ(mappings["properties"]["received_at"]["type"], "date");
  EXPECT_EQ(mappings["properties"]["client_ip"]["type"], "ip");
  EXPECT_EQ(mappings["properties"]["faces"]["dynamic"], false);  // quality, pose, size indexed; boxes only stored
  EXPECT_EQ(mappings["properties"]["faces"]["properties"]["pose"]["properties"]["yaw"]["type"], "float");
  EXPECT_EQ(mappings["properties"]["image"]["properties"]["sharpness"]["type"], "float");
  const json& events = templates[1].body;
  EXPECT_EQ(events["index_patterns"], json::array({"acme-events-*"}));
  EXPECT_EQ(events["template"]["mappings"]["properties"]["data"]["dynamic"], false);
  EXPECT_EQ(events["template"]["mappings"]["properties"]["data"]["properties"]["faces"]["type"], "integer");
  EXPECT_EQ(events["template"]["mappings"]["properties"]["data"]["properties"]["verdict"]["type"], "keyword");
  const json& feedback = templates[2].body;
  EXPECT_EQ(feedback["index_patterns"], json::array({"acme-feedback-*"}));
  const json& fields = feedback["template"]["mappings"]["properties"];
  EXPECT_EQ(fields["verdict"]["type"], "keyword");
  EXPECT_EQ(fields["comment"]["type"], "text");
  EXPECT_EQ(fields["request_received_at"]["type"], "date");
  EXPECT_EQ(fields["missed_faces"]["properties"]["width"]["type"], "float");
  EXPECT_EQ(fields["deleted"]["type"], "boolean");
}

TEST(MakeOpenSearchSink, RejectsBadConfigNamingTheField) {
  const auto make = [](OpenSearchConfig config) { return [config] { MakeOpenSearchSink(config); }; };
  EXPECT_EQ(CodeOf(make({.url = "127.0.0.1:9200"})), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(make({.url = "ftp://127.0.0.1:9200"})), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(make({.url = "http://127.0.0.1:9200/?x=1"})), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(make({.url = "http://127.0.0.1:9200", .index_prefix = "Faceloop"})), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(make({.url = "http://127.0.0.1:9200", .index_prefix = "_x"})), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(make({.url = "http://127.0.0.1:9200", .timeout_ms = 0})), ErrorCode::kBadRequest);
  EXPECT_NE(MakeOpenSearchSink({.url = "https://u:p@search.example:9200/"}), nullptr);
}

}  // namespace
}  // namespace faceloop::search
