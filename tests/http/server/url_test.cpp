#include "http/server/url.hpp"

#include <gtest/gtest.h>

namespace faceloop::http {
namespace {

TEST(PercentDecodeTest, DecodesEscapesInEitherCase) {
  EXPECT_EQ(PercentDecode("a%20b%2fc%2F%41", false), "a b/c/A");
  EXPECT_EQ(PercentDecode("%e2%82%AC", false), "\xe2\x82\xac");
}

TEST(PercentDecodeTest, PlusIsASpaceOnlyWhenAsked) {
  EXPECT_EQ(PercentDecode("a+b%2B", true), "a b+");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
}

TEST(PercentDecodeTest, RefusesTruncatedOrNonHexEscapes) {
  EXPECT_FALSE(PercentDecode("%", false));
  EXPECT_FALSE(PercentDecode("abc%4", false));
  EXPECT_FALSE(PercentDecode("%zz", false));
  EXPECT_FALSE(PercentDecode("%4g", false));
  EXPECT_FALSE(PercentDecode("%%41", false));
}

TEST(OriginFormTest, AcceptsPathsAndQueries) {
  EXPECT_TRUE(IsOriginForm("/"));
  EXPECT_TRUE(IsOriginForm("/v1/requests/abc-1_2.~x"));
  EXPECT_TRUE(IsOriginForm("/search?q=a+b&limit=10&x=%20&y=?/:@!$'()*,;"));
}

TEST(OriginFormTest, RefusesOtherFormsAndStrayCharacters) {
  EXPECT_FALSE(IsOriginForm(""));
  EXPECT_FALSE(IsOriginForm("*"));
  EXPECT_FALSE(IsOriginForm("http://example.com/x"));  // absolute-form
  EXPECT_FALSE(IsOriginForm("example.com:443"));       // authority-form
  EXPECT_FALSE(IsOriginForm("/a#fragment"));
  EXPECT_FALSE(IsOriginForm("/a b"));
  EXPECT_FALSE(IsOriginForm("/a\"b"));
  EXPECT_FALSE(IsOriginForm("/a<b>"));
  EXPECT_FALSE(IsOriginForm("/a\\b"));
  EXPECT_FALSE(IsOriginForm("/caf\xc3\xa9"));  // raw UTF-8 must be percent-encoded
  EXPECT_FALSE(IsOriginForm(std::string_view("/a\0b", 4)));
}

TEST(DecodeTargetTest, SplitsAndDecodesPathAndQuery) {
  const auto target = DecodeTarget("/files/a%20b?name=J%C3%BCrgen+K&empty=&flag&&x=1%3D2");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->path, "/files/a b");
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(target->query, (Pairs{{"name", "J\xc3\xbcrgen K"}, {"empty", ""}, {"flag", ""}, {"x", "1=2"}}));
}

TEST(DecodeTargetTest, PlusStaysAPlusInThePath) {
  const auto target = DecodeTarget("/a+b?c+d=e+f");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->path, "/a+b");
  EXPECT_EQ(target->query.at(0).first, "c d");
  EXPECT_EQ(target->query.at(0).second, "e f");
}

TEST(DecodeTargetTest, RefusesBadEscapesAndEncodedNul) {
  EXPECT_FALSE(DecodeTarget("/a%zz"));
  EXPECT_FALSE(DecodeTarget("/a?x=%2"));
  EXPECT_FALSE(DecodeTarget("/a%00b"));
  EXPECT_TRUE(DecodeTarget("/a?x=%00"));  // a query value is data; the path is what gets matched and logged
}

}  // namespace
}  // namespace faceloop::http
