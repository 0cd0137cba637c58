#include "common/number_text.hpp"

#include <gtest/gtest.h>

namespace faceloop {
namespace {

TEST(ParseFiniteNumberTest, DecimalNumbers) {
  EXPECT_EQ(ParseFiniteNumber("0.5"), 0.5);
  EXPECT_EQ(ParseFiniteNumber("-2"), -2.0);
  EXPECT_EQ(ParseFiniteNumber("1e-3"), 1e-3);
  EXPECT_EQ(ParseFiniteNumber("1E2"), 100.0);
  EXPECT_EQ(ParseFiniteNumber("3.5"), 3.5);
}

// Each of these strtod took (or turned into a non-finite value that a later check had to catch).
TEST(ParseFiniteNumberTest, RefusesWhatIsNotAFiniteDecimal) {
  for (const char* text : {"", " 1", "1 ", "+1", "0x10", "nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-1e309",
                           "1e99999", "1,5", "1_0", "0.5.5", "e5", "-"}) {
    EXPECT_EQ(ParseFiniteNumber(text), std::nullopt) << '"' << text << '"';
  }
}

}  // namespace
}  // namespace faceloop
