// The OpenSearch sink against a real node (FACELOOP_TEST_SEARCH_URL, started by
// tests/servers/opensearch.sh): templates, idempotent bulk indexing, mappings, per-item refusals, the
// queries of docs/search_queries.md run as written, and the retention purge's DeleteBefore. The
// parts that need no node are in bulk_body_test.cpp.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "search/index_templates.hpp"
#include "search/opensearch_sink.hpp"
#include "support/error_code.hpp"
#include "support/servers.hpp"

namespace faceloop::search {
namespace {

using faceloop::testing::CodeOf;
using nlohmann::json;
using std::chrono::system_clock;

// RFC 3339 UTC with milliseconds, as the service writes its timestamps.
std::string Rfc3339(system_clock::time_point time) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(millis % 1000));
  return text;
}

// A loopback port with nothing listening: bound, then released.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST(OpenSearchSink, UnreachableNodeIsUnavailableFastAndNeverShowsCredentials) {
  const std::string url = "http://analyst:s3cret-pw@127.0.0.1:" + std::to_string(ClosedPort());
  auto sink = MakeOpenSearchSink({.url = url, .timeout_ms = 2000});
  const auto start = std::chrono::steady_clock::now();
  for (const auto& call : std::vector<std::function<void()>>{
           [&] { sink->EnsureSetup(); },
           [&] {
             sink->Index({{"requests", "r-1", system_clock::now(), {{"request_id", "r-1"}}}});
           }}) {
    try {
      call();
      ADD_FAILURE() << "no error from an unreachable node";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
      EXPECT_EQ(std::string(error.what()).find("s3cret"), std::string::npos) << error.what();
    }
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(OpenSearchSink, EmptyBatchMakesNoCall) {
  auto sink = MakeOpenSearchSink({.url = "http://127.0.0.1:" + std::to_string(ClosedPort())});
  EXPECT_TRUE(sink->Index({}).rejected_ids.empty());
  EXPECT_EQ(sink->Name(), "opensearch");
}

// --- Against a real node -------------------------------------------------------------------------

struct Reply {
  long status = 0;
  json body;
};

std::size_t Collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// Plain libcurl, independent of the sink, to look at what the node holds. `path` has no leading '/'.
Reply Call(const std::string& base, const std::string& method, const std::string& path, const std::string& body = "") {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"), &curl_slist_free_all);
  std::string url = base;
  url += '/';
  url += path;
  std::string text;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 30L);
  if (!body.empty()) curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &text);
  Reply reply;
  if (curl_easy_perform(curl.get()) != CURLE_OK) return reply;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
  reply.body = json::parse(text, nullptr, false);
  return reply;
}

class OpenSearchNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto url = faceloop::testing::ServerEnv("FACELOOP_TEST_SEARCH_URL");
    if (!url) {
      if (faceloop::testing::ServersRequired()) {
        FAIL() << "FACELOOP_TEST_SEARCH_URL is not set (start a node: tests/servers/opensearch.sh start DIR)";
      }
      GTEST_SKIP() << "FACELOOP_TEST_SEARCH_URL is not set (tests/servers/opensearch.sh start DIR)";
    }
    base_ = *url;
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
    // Unique per run and per test, so runs and tests never see each other's indices.
    static std::atomic<int> counter{0};
    prefix_ = "fltest-" + std::to_string(::getpid()) + "-" +
              std::to_string(system_clock::now().time_since_epoch().count() % 1000000) + "-" +
              std::to_string(counter++);
    sink_ = MakeOpenSearchSink({.url = base_, .index_prefix = prefix_});
  }

  void TearDown() override {
    if (base_.empty()) return;
    // Concrete names: wildcard deletes are refused where action.destructive_requires_name is on.
    const Reply indices = Call(base_, "GET", "_cat/indices/" + prefix_ + "-*?format=json");
    if (indices.body.is_array()) {
      for (const json& index : indices.body) Call(base_, "DELETE", index["index"].get<std::string>());
    }
    for (const auto& index_template : IndexTemplates({prefix_, 0})) {
      Call(base_, "DELETE", "_index_template/" + index_template.name);
    }
  }

  long Count(const std::string& family) {
    EXPECT_EQ(Call(base_, "POST", prefix_ + "-" + family + "-*/_refresh").status, 200);
    const Reply reply = Call(base_, "GET", prefix_ + "-" + family + "-*/_count");
    EXPECT_EQ(reply.status, 200) << reply.body.dump();
    return reply.body.value("count", -1L);
  }

  std::string base_;
  std::string prefix_;
  std::unique_ptr<ISearchSink> sink_;
};

Document Request(const std::string& id, system_clock::time_point time, json extra = json::object()) {
  json body = {{"request_id", id},
               {"received_at", Rfc3339(time)},
               {"user_id", "u-1"},
               {"status", 200},
               {"model_name", "blazeface-back"},
               {"face_count", 1},
               {"image_key", "inputs/" + id + ".jpg"}};
  body.update(extra);
  return {"requests", id, time, std::move(body)};
}

Document Event(const std::string& id, const std::string& type, system_clock::time_point time) {
  return {"events",
          id,
          time,
          {{"event_id", id}, {"type", type}, {"user_id", "u-" + id}, {"occurred_at", Rfc3339(time)}, {"data", {}}}};
}

TEST_F(OpenSearchNodeTest, EnsureSetupIsIdempotentAndInstallsBothTemplates) {
  sink_->EnsureSetup();
  sink_->EnsureSetup();
  for (const auto& index_template : IndexTemplates({prefix_, 0})) {
    const Reply reply = Call(base_, "GET", "_index_template/" + index_template.name);
    ASSERT_EQ(reply.status, 200) << reply.body.dump();
    const json& installed = reply.body["index_templates"][0]["index_template"];
    EXPECT_EQ(installed["priority"], kTemplatePriority);
    EXPECT_EQ(installed["index_patterns"], index_template.body["index_patterns"]);
  }
}

TEST_F(OpenSearchNodeTest, IndexesIntoDailyIndicesAndRetriesNeverDuplicate) {
  sink_->EnsureSetup();
  const auto today = system_clock::now();
  const auto yesterday = today - std::chrono::hours(24);
  std::vector<Document> docs;
  for (int i = 0; i < 100; ++i) docs.push_back(Request("r-" + std::to_string(i), i % 2 == 0 ? today : yesterday));

  EXPECT_TRUE(sink_->Index(docs).rejected_ids.empty());
  EXPECT_EQ(Count("requests"), 100);
  EXPECT_TRUE(sink_->Index(docs).rejected_ids.empty());  // the whole batch again, as after a timeout
  EXPECT_EQ(Count("requests"), 100);

  for (const auto time : {today, yesterday}) {
    const Reply reply = Call(base_, "GET", IndexName(prefix_, "requests", time) + "/_count");
    EXPECT_EQ(reply.body.value("count", -1L), 50) << IndexName(prefix_, "requests", time);
  }
}

TEST_F(OpenSearchNodeTest, TemplateMappingsApplyAndUnknownFieldsStayUnindexed) {
  sink_->EnsureSetup();
  const auto now = system_clock::now();
  json extra = {{"surprise", "not in the template"},
                {"client_ip", "2001:db8::1"},
                {"image", {{"width", 640}, {"sharpness", 1660.1}, {"new_metric", 3}}},
                {"faces", json::array({{{"box", {{"x", 1}, {"y", 2}, {"w", 3}, {"h", 4}}},
                                        {"confidence", 0.9},
                                        {"quality", {{"sharpness", 0.1}, {"brightness", 0.5}}}}})}};
  ASSERT_TRUE(sink_->Index({Request("r-1", now, extra)}).rejected_ids.empty());
  const std::string index = IndexName(prefix_, "requests", now);

  const Reply mapping = Call(base_, "GET", index + "/_mapping");
  ASSERT_EQ(mapping.status, 200) << mapping.body.dump();
  const json& properties = mapping.body[index]["mappings"]["properties"];
  EXPECT_EQ(properties["received_at"]["type"], "date");
  EXPECT_EQ(properties["client_ip"]["type"], "ip");
  EXPECT_EQ(properties["face_count"]["type"], "integer");
  EXPECT_FALSE(properties.contains("surprise"));
  EXPECT_FALSE(properties["image"]["properties"].contains("new_metric"));
  EXPECT_FALSE(properties["faces"]["properties"].contains("box"));
  const json& dynamic = mapping.body[index]["mappings"]["dynamic"];
  EXPECT_TRUE(dynamic == false || dynamic == "false") << dynamic;

  // Kept in _source, not searchable.
  ASSERT_EQ(Count("requests"), 1);
  const Reply hit = Call(base_, "GET", index + "/_doc/r-1");
  EXPECT_EQ(hit.body["_source"]["surprise"], "not in the template");
  const Reply search = Call(base_, "POST", index + "/_search", R"({"query":{"match":{"surprise":"template"}}})");
  EXPECT_EQ(search.body["hits"]["total"]["value"], 0);
  // Per-face quality is searchable: requests with any blurry face.
  Call(base_, "POST", index + "/_refresh");
  const Reply blurry =
      Call(base_, "POST", index + "/_search", R"({"query":{"range":{"faces.quality.sharpness":{"lt":0.2}}}})");
  EXPECT_EQ(blurry.body["hits"]["total"]["value"], 1) << blurry.body.dump();
}

TEST_F(OpenSearchNodeTest, WrongTypedFieldIsRejectedAndTheOthersIndexed) {
  sink_->EnsureSetup();
  const auto now = system_clock::now();
  const BulkResult result =
      sink_->Index({Request("good-1", now), Request("bad", now, {{"face_count", "abc"}}), Request("good-2", now)});
  EXPECT_EQ(result.rejected_ids, std::vector<std::string>{"bad"});
  ASSERT_EQ(result.rejected_reasons.size(), 1U);
  EXPECT_NE(result.rejected_reasons[0].find("face_count"), std::string::npos) << result.rejected_reasons[0];
  EXPECT_EQ(Count("requests"), 2);
}

// A runnable query of docs/search_queries.md: a ```console block, "METHOD path" then a JSON body.
struct DocQuery {
  std::string method;
  std::string path;
  std::string body;
};

std::vector<DocQuery> DocQueries() {
  std::ifstream in(std::string(FACELOOP_SOURCE_DIR) + "/docs/search_queries.md");
  std::vector<DocQuery> queries;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (!inside && line == "```console") {
      inside = true;
      queries.emplace_back();
    } else if (inside && line == "```") {
      inside = false;
    } else if (inside && queries.back().method.empty()) {
      std::istringstream request(line);
      request >> queries.back().method >> queries.back().path;
    } else if (inside) {
      queries.back().body += line + "\n";
    }
  }
  return queries;
}

TEST_F(OpenSearchNodeTest, TheDocumentedQueriesWorkAsWritten) {
  const auto queries = DocQueries();
  ASSERT_GE(queries.size(), 3U) << "docs/search_queries.md lost its ```console blocks";
  sink_->EnsureSetup();
  const auto now = system_clock::now();
  std::vector<Document> docs;
  int n = 0;
  for (double confidence : {0.9, 0.8, 0.3, 0.2}) {
    docs.push_back(Request("r-" + std::to_string(n++), now, {{"confidence_mean", confidence}}));
  }
  docs.push_back(
      Request("failed", now, {{"status", 415}, {"face_count", 0}, {"error_type", "unsupported-media-type"}}));
  docs.push_back(Request("old", now - std::chrono::hours(24 * 40), {{"confidence_mean", 0.1}}));
  for (int i = 0; i < 3; ++i) docs.push_back(Event("s-" + std::to_string(i), "signup", now));
  docs.push_back(Event("l-1", "login", now));
  ASSERT_TRUE(sink_->Index(docs).rejected_ids.empty());
  ASSERT_EQ(Count("requests"), 6);
  ASSERT_EQ(Count("events"), 4);

  const auto run = [&](const DocQuery& query) {
    EXPECT_EQ(query.path.rfind("faceloop-", 0), 0U) << query.path;  // written for the default prefix
    const Reply reply =
        Call(base_, query.method, prefix_ + query.path.substr(std::string("faceloop").size()), query.body);
    EXPECT_EQ(reply.status, 200) << query.path << ": " << reply.body.dump();
    return reply.body;
  };

  // 1. Confidence over time: successful requests of the last 30 days, average per day.
  const json trend = run(queries[0]);
  const json& days = trend["aggregations"]["per_day"]["buckets"];
  ASSERT_EQ(days.size(), 1U) << trend.dump();
  EXPECT_EQ(days[0]["doc_count"], 4);
  EXPECT_NEAR(days[0]["avg_confidence"]["value"].get<double>(), 0.55, 1e-6);

  // 2. Low-confidence inputs of the last 7 days, least confident first, with their image keys.
  const json low = run(queries[1]);
  const json& hits = low["hits"]["hits"];
  ASSERT_EQ(hits.size(), 2U) << low.dump();
  EXPECT_EQ(hits[0]["_source"]["image_key"], "inputs/r-3.jpg");
  EXPECT_EQ(hits[1]["_source"]["image_key"], "inputs/r-2.jpg");

  // 3. Sign-ups per day.
  const json signups = run(queries[2]);
  const json& per_day = signups["aggregations"]["per_day"]["buckets"];
  ASSERT_EQ(per_day.size(), 1U) << signups.dump();
  EXPECT_EQ(per_day[0]["doc_count"], 3);
}

// The retention purge's delete-by-query: documents whose date field is before the cut-off go,
// across the family's daily indices; the others stay.
TEST_F(OpenSearchNodeTest, DeleteBeforeRemovesOnlyOlderDocuments) {
  sink_->EnsureSetup();
  const auto now = system_clock::now();
  const auto old = now - std::chrono::hours(24 * 40);
  std::vector<Document> docs;
  for (int i = 0; i < 4; ++i) docs.push_back(Request("r-" + std::to_string(i), i < 3 ? old : now));
  for (int i = 0; i < 2; ++i) {
    const auto updated = i == 0 ? old : now;
    docs.push_back(
        Document{"feedback",
                 "r-" + std::to_string(i) + ":u",
                 old,
                 {{"request_id", "r-" + std::to_string(i)}, {"user_id", "u"}, {"updated_at", Rfc3339(updated)}}});
  }
  ASSERT_TRUE(sink_->Index(docs).rejected_ids.empty());
  // Searchable first (Count refreshes): delete-by-query sees what a refresh made visible, as data
  // past a retention period always is.
  ASSERT_EQ(Count("requests"), 4);
  ASSERT_EQ(Count("feedback"), 2);
  const auto cutoff = now - std::chrono::hours(24 * 30);
  sink_->DeleteBefore("requests", "received_at", cutoff);
  sink_->DeleteBefore("feedback", "updated_at", cutoff);
  EXPECT_EQ(Count("requests"), 1);
  EXPECT_EQ(Count("feedback"), 1);
  sink_->DeleteBefore("events", "occurred_at", cutoff);  // no index of the family yet: nothing to do
}

}  // namespace
}  // namespace faceloop::search
