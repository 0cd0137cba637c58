#include "accounts/secrets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "common/error.hpp"

namespace faceloop::accounts {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

std::vector<std::uint8_t> TestPepper(std::uint8_t fill = 7) { return std::vector<std::uint8_t>(kPepperBytes, fill); }

TEST(CryptoTest, RejectsPepperOfWrongSize) {
  EXPECT_THROW(Crypto(std::vector<std::uint8_t>(16)), Error);
  EXPECT_THROW(Crypto(std::vector<std::uint8_t>{}), Error);
  const auto pepper = Crypto::GeneratePepper();
  EXPECT_EQ(pepper.size(), kPepperBytes);
  EXPECT_NE(pepper, Crypto::GeneratePepper());
}

TEST(CryptoTest, RandomIdsAreLowercaseBase32AndDistinct) {
  const Crypto crypto(TestPepper());
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = crypto.NewId();
    ASSERT_EQ(id.size(), kIdLength);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz"), std::string::npos) << id;
    EXPECT_LE(id[0], '7');  // 128 bits in 130: the top digit holds 3 bits
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(CryptoTest, TimeOrderedIdsEncodeTheTimestamp) {
  const Crypto crypto(TestPepper());
  EXPECT_EQ(crypto.NewTimeOrderedId(system_clock::time_point{}).substr(0, 10), "0000000000");
  // (2^48 - 1 ms is past what a nanosecond system_clock can represent, so 40 one-bits stand in.)
  const system_clock::time_point ones{milliseconds{(std::int64_t{1} << 40) - 1}};
  EXPECT_EQ(crypto.NewTimeOrderedId(ones).substr(0, 10), "00ZZZZZZZZ");
  EXPECT_TRUE(crypto.NewTimeOrderedId(system_clock::time_point{milliseconds{32}}).starts_with("0000000010"));
  EXPECT_EQ(crypto.NewTimeOrderedId().size(), 26u);
}

TEST(CryptoTest, TimeOrderedIdsSortByTime) {
  const Crypto crypto(TestPepper());
  std::vector<std::int64_t> times;
  std::mt19937_64 random(42);
  for (int i = 0; i < 500; ++i) times.push_back(1'600'000'000'000 + static_cast<std::int64_t>(random() % 1'000'000));
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  std::vector<std::pair<std::string, std::int64_t>> ids;
  std::vector<std::int64_t> shuffled = times;
  std::shuffle(shuffled.begin(), shuffled.end(), random);  // generation order must not matter
  for (const auto ms : shuffled)
    ids.emplace_back(crypto.NewTimeOrderedId(system_clock::time_point{milliseconds{ms}}), ms);
  std::sort(ids.begin(), ids.end());
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i].second, times[i]);
}

TEST(CryptoTest, TimeOrderedIdsIncreaseWithinOneMillisecond) {
  const Crypto crypto(TestPepper());
  const system_clock::time_point now{milliseconds{1'700'000'000'000}};
  std::string previous = crypto.NewTimeOrderedId(now);
  for (int i = 0; i < 1000; ++i) {
    const std::string next = crypto.NewTimeOrderedId(now);
    ASSERT_LT(previous, next);
    EXPECT_EQ(next.substr(0, 10), previous.substr(0, 10));
    previous = next;
  }
}

TEST(CryptoTest, SecretsAreWellFormedAndDistinct) {
  const Crypto crypto(TestPepper());
  const std::string a = crypto.NewSecret();
  EXPECT_EQ(a.size(), kSecretLength);
  EXPECT_TRUE(IsWellFormedSecret(a));
  EXPECT_NE(a, crypto.NewSecret());
  EXPECT_FALSE(IsWellFormedSecret(a.substr(1)));
  EXPECT_FALSE(IsWellFormedSecret(a.substr(1) + "="));
  EXPECT_FALSE(IsWellFormedSecret(a.substr(1) + "B"));  // nonzero padding bits: a second spelling
}

TEST(CryptoTest, HashIsKeyedAndVerifiesExactly) {
  const Crypto crypto(TestPepper(1));
  const Crypto other(TestPepper(2));
  const std::string secret = crypto.NewSecret();
  const auto hash = crypto.Hash(secret);
  EXPECT_EQ(hash.size(), kSecretHashBytes);
  EXPECT_EQ(hash, crypto.Hash(secret));
  EXPECT_NE(hash, other.Hash(secret));
  EXPECT_TRUE(crypto.Verify(secret, hash));
  EXPECT_FALSE(other.Verify(secret, hash));
  EXPECT_FALSE(crypto.Verify(secret + "x", hash));
  EXPECT_FALSE(crypto.Verify(secret, std::vector<std::uint8_t>(hash.begin(), hash.end() - 1)));
  EXPECT_FALSE(crypto.Verify(secret, {}));
}

TEST(ApiKeyTest, FormatsAndParses) {
  const Crypto crypto(TestPepper());
  const std::string id = crypto.NewId();
  const std::string secret = crypto.NewSecret();
  const std::string key = FormatApiKey(id, secret);
  EXPECT_TRUE(key.starts_with("fl_" + id + "_"));
  const ParsedApiKey parsed = ParseApiKey(key);
  EXPECT_EQ(parsed.id, id);
  EXPECT_EQ(parsed.secret, secret);
}

TEST(ApiKeyTest, RejectsMalformedKeys) {
  const Crypto crypto(TestPepper());
  const std::string good = FormatApiKey(crypto.NewId(), crypto.NewSecret());
  std::string upper_id = good;
  upper_id[5] = 'A';
  std::string bad_separator = good;
  bad_separator[29] = '-';
  const std::vector<std::string> malformed = {"",
                                              "fl_",
                                              "fl_x_y_z",
                                              std::string(100'000, 'a'),
                                              good + "A",
                                              good.substr(1),
                                              "FL" + good.substr(2),
                                              "fl_" + good,
                                              upper_id,
                                              bad_separator,
                                              good.substr(0, 29) + "_" + std::string(43, '*'),
                                              good + "\n"};
  for (const auto& key : malformed) {
    try {
      ParseApiKey(key);
      ADD_FAILURE() << "accepted: " << key.substr(0, 80);
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kUnauthenticated);
      EXPECT_EQ(std::string(error.what()), "malformed API key");  // never echoes the input
    }
  }
}

}  // namespace
}  // namespace faceloop::accounts
