// Feedback tokens: what one signer mints it verifies, until the expiry; anything altered, cut,
// extended or signed with another pepper is refused, and a token is never an API key's hash.
#include "feedback/token.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "support/error_code.hpp"

namespace faceloop::feedback {
namespace {

using faceloop::testing::CodeOf;
using std::chrono::seconds;

const auto kNow = std::chrono::system_clock::time_point(seconds(1'800'000'000));

std::vector<std::uint8_t> Pepper(std::uint8_t fill) { return std::vector<std::uint8_t>(32, fill); }

TEST(FeedbackToken, VerifiesWhatItMintedUntilItExpires) {
  const TokenSigner signer(Pepper(7));
  const std::string token = signer.Mint("01JREQUEST", "user1", kNow + seconds(3600));
  EXPECT_TRUE(token.starts_with(kTokenPrefix));
  const TokenClaims claims = signer.Verify(token, kNow);
  EXPECT_EQ(claims.request_id, "01JREQUEST");
  EXPECT_EQ(claims.user_id, "user1");
  EXPECT_EQ(claims.expires_at, kNow + seconds(3600));
  EXPECT_EQ(claims.token_id.size(), 32u);
  EXPECT_EQ(CodeOf([&] { signer.Verify(token, kNow + seconds(3600)); }), ErrorCode::kGone);
  EXPECT_EQ(CodeOf([&] { signer.Verify(token, kNow + seconds(7200)); }), ErrorCode::kGone);
}

TEST(FeedbackToken, EachTokenHasItsOwnId) {
  const TokenSigner signer(Pepper(7));
  const auto a = signer.Verify(signer.Mint("r", "u", kNow + seconds(60)), kNow);
  const auto b = signer.Verify(signer.Mint("r", "u", kNow + seconds(60)), kNow);
  EXPECT_NE(a.token_id, b.token_id);
}

TEST(FeedbackToken, RefusesAlteredTruncatedOrForeignTokens) {
  const TokenSigner signer(Pepper(7));
  const std::string token = signer.Mint("r1", "u1", kNow + seconds(60));
  for (std::size_t i = kTokenPrefix.size(); i < token.size(); ++i) {
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    // 63 bytes are exactly 84 characters: every character carries signed bits.
    EXPECT_EQ(CodeOf([&] { signer.Verify(altered, kNow); }), ErrorCode::kUnauthenticated) << "position " << i;
  }
  EXPECT_EQ(CodeOf([&] { signer.Verify(token.substr(0, token.size() - 4), kNow); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { signer.Verify(token + "AAAA", kNow); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { signer.Verify(token.substr(kTokenPrefix.size()), kNow); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { signer.Verify("flfb_", kNow); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { signer.Verify("flfb_!!!", kNow); }), ErrorCode::kUnauthenticated);
  const TokenSigner other(Pepper(8));
  EXPECT_EQ(CodeOf([&] { other.Verify(token, kNow); }), ErrorCode::kUnauthenticated);
  // Even an expired token of another key says only "invalid": nothing of it is read unverified.
  EXPECT_EQ(CodeOf([&] { other.Verify(token, kNow + seconds(120)); }), ErrorCode::kUnauthenticated);
}

TEST(FeedbackToken, RefusesIdsThatDoNotFit) {
  const TokenSigner signer(Pepper(7));
  EXPECT_EQ(CodeOf([&] { signer.Mint("", "u", kNow); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([&] { signer.Mint("r", std::string(256, 'u'), kNow); }), ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace faceloop::feedback
