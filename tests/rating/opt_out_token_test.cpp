// The opt-out link's token: signed under its own key (KDF context), so an opt-out token never
// passes as a feedback token or the reverse, even from the same pepper; forged 401, expired 410.
#include <gtest/gtest.h>

#include "feedback/token.hpp"
#include "support/error_code.hpp"

namespace faceloop::feedback {
namespace {

using faceloop::testing::CodeOf;
using namespace std::chrono_literals;

TEST(OptOutTokenTest, ItsOwnKeyPrefixAndExpiry) {
  const std::vector<std::uint8_t> pepper(32, 9);
  const TokenSigner opt_out(pepper, kOptOutTokens);
  const TokenSigner feedback(pepper, kFeedbackTokens);
  const auto now = std::chrono::system_clock::now();
  const std::string token = opt_out.Mint("rating_email", "user-1", now + 1h);
  EXPECT_TRUE(token.starts_with("flun_"));
  const TokenClaims claims = opt_out.Verify(token, now);
  EXPECT_EQ(claims.user_id, "user-1");
  EXPECT_EQ(claims.request_id, "rating_email");

  EXPECT_EQ(CodeOf([&] { (void)feedback.Verify(token, now); }), ErrorCode::kUnauthenticated);
  const std::string feedback_token = feedback.Mint("req-1", "user-1", now + 1h);
  EXPECT_EQ(CodeOf([&] { (void)opt_out.Verify(feedback_token, now); }), ErrorCode::kUnauthenticated);
  // Same payload, other prefix: the MAC still fails, the keys differ.
  EXPECT_EQ(CodeOf([&] { (void)opt_out.Verify("flun_" + feedback_token.substr(5), now); }),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { (void)opt_out.Verify(token, now + 2h); }), ErrorCode::kGone);
}

}  // namespace
}  // namespace faceloop::feedback
