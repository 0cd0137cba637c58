// search::OpenSearchSink: the sink the service gets for its configured search URL.
#include "search/open_search_sink.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "support/error_code.hpp"

namespace faceloop::search {
namespace {

using faceloop::testing::CodeOf;

TEST(OpenSearchSinkTest, NoUrlMeansNoSink) { EXPECT_EQ(OpenSearchSink({.url = ""}), nullptr); }

TEST(OpenSearchSinkTest, HttpUrlsGetTheOpenSearchSink) {
  for (const char* url : {"http://127.0.0.1:9200", "https://user:pw@search.example:443/"}) {
    const auto sink = OpenSearchSink({.url = url});
    ASSERT_NE(sink, nullptr) << url;
    EXPECT_EQ(sink->Name(), "opensearch");
  }
}

TEST(OpenSearchSinkTest, OtherSchemesAndBadSettingsAreBadRequests) {
  EXPECT_EQ(CodeOf([] { OpenSearchSink({.url = "s3://bucket"}); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { OpenSearchSink({.url = "127.0.0.1:9200"}); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { OpenSearchSink({.url = "http://127.0.0.1:9200", .index_prefix = "Bad"}); }),
            ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace faceloop::search
