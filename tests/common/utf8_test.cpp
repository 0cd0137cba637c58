#include "common/utf8.hpp"

#include <gtest/gtest.h>

namespace faceloop {
namespace {

const std::string kBad = "\xEF\xBF\xBD";

TEST(Utf8Test, ValidTextPassesUnchanged) {
  const std::string text = "curl/8.0 caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
  EXPECT_EQ(ValidUtf8(text), text);
}

TEST(Utf8Test, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(ValidUtf8("a\xFF"
                      "b"),
            "a" + kBad + "b");                                          // never valid
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), kBad + kBad);                        // overlong '/'
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80"), kBad + kBad + kBad);             // a surrogate
  EXPECT_EQ(ValidUtf8("\xF4\x90\x80\x80"), kBad + kBad + kBad + kBad);  // above U+10FFFF
  EXPECT_EQ(ValidUtf8("x\xE2\x82"), "x" + kBad + kBad);                 // truncated
  EXPECT_EQ(ValidUtf8(std::string("a\0b", 3)), "a" + kBad + "b");       // NUL
}

TEST(Utf8Test, CutsOnACharacterBoundary) {
  EXPECT_EQ(ValidUtf8("ab\xE2\x82\xAC", 4), "ab");
  EXPECT_EQ(ValidUtf8(std::string(5000, 'x')).size(), 1024u);
}

}  // namespace
}  // namespace faceloop
