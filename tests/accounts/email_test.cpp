#include "accounts/email.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace faceloop::accounts {
namespace {

TEST(EmailTest, TrimsAndLowercases) {
  EXPECT_EQ(NormalizeEmail("  Alice.Smith+Tag@Example.COM \t"), "alice.smith+tag@example.com");
  EXPECT_EQ(NormalizeEmail("o'brien@sub.example-host.io"), "o'brien@sub.example-host.io");
}

TEST(EmailTest, AcceptsLimits) {
  const std::string local(64, 'a');
  const std::string label(63, 'b');
  const std::string email = local + "@" + label + "." + label + "." + std::string(254 - 64 - 1 - 128, 'c');
  ASSERT_EQ(email.size(), 254u);
  EXPECT_EQ(NormalizeEmail(email), email);
}

TEST(EmailTest, RejectsInvalidAddresses) {
  const std::vector<std::string> invalid = {
      "",
      "   ",
      "alice",
      "alice@",
      "@example.com",
      "alice@example",
      "alice@@example.com",
      "a@b@example.com",
      "alice@.example.com",
      "alice@example..com",
      "alice@-example.com",
      "alice@example-.com",
      ".alice@example.com",
      "alice.@example.com",
      "al..ice@example.com",
      "al ice@example.com",
      "alice@exa mple.com",
      "alice@exam_ple.com",
      "\"alice\"@example.com",
      "al\xc3\xaf"
      "ce@example.com",
      "alice@example.com\n<script>",
      std::string(65, 'a') + "@example.com",
      "a@" + std::string(64, 'b') + ".com",
      std::string(64, 'a') + "@" + std::string(63, 'b') + "." + std::string(63, 'b') + "." + std::string(63, 'c')};
  for (const auto& email : invalid) {
    try {
      NormalizeEmail(email);
      ADD_FAILURE() << "accepted: " << email;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kUnprocessable) << email;
    }
  }
}

}  // namespace
}  // namespace faceloop::accounts
