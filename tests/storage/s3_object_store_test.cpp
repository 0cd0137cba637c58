#include "storage/s3_object_store.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "support/error_code.hpp"
#include "support/loopback_socket.hpp"

namespace faceloop::storage {
namespace {

using faceloop::testing::CodeOf;

std::vector<std::uint8_t> Bytes(const std::string& text) { return {text.begin(), text.end()}; }

std::string ErrorMessage(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

// ---- ParseS3Url ---------------------------------------------------------------------------------

TEST(ParseS3UrlTest, FullUrl) {
  const S3Location location = ParseS3Url("s3://my-bucket/some/prefix?endpoint=http://127.0.0.1:8333&region=eu-west-1");
  EXPECT_EQ(location.bucket, "my-bucket");
  EXPECT_EQ(location.prefix, "some/prefix");
  EXPECT_EQ(location.endpoint, "http://127.0.0.1:8333");
  EXPECT_EQ(location.region, "eu-west-1");
}

TEST(ParseS3UrlTest, DefaultsToAwsRegionalEndpoint) {
  const S3Location location = ParseS3Url("s3://bucket.example");
  EXPECT_EQ(location.bucket, "bucket.example");
  EXPECT_EQ(location.prefix, "");
  EXPECT_EQ(location.region, "us-east-1");
  EXPECT_EQ(location.endpoint, "https://s3.us-east-1.amazonaws.com");
  EXPECT_EQ(ParseS3Url("s3://abc?region=ap-south-1").endpoint, "https://s3.ap-south-1.amazonaws.com");
}

TEST(ParseS3UrlTest, TrailingSlashesAndEscapesAreNormalised) {
  const S3Location location = ParseS3Url("s3://abc/p/?endpoint=https%3A%2F%2Fs3.local%3A9000/");
  EXPECT_EQ(location.prefix, "p");
  EXPECT_EQ(location.endpoint, "https://s3.local:9000");
  EXPECT_EQ(ParseS3Url("s3://abc/").prefix, "");
}

TEST(ParseS3UrlTest, RejectsBadUrlsNamingTheProblem) {
  const auto message_of = [](const char* url) { return ErrorMessage([&] { ParseS3Url(url); }); };
  EXPECT_EQ(CodeOf([] { ParseS3Url("http://bucket"); }), ErrorCode::kBadRequest);
  EXPECT_NE(message_of("http://bucket").find("s3://"), std::string::npos);
  EXPECT_NE(message_of("s3://ab").find("bucket"), std::string::npos);          // too short
  EXPECT_NE(message_of("s3://Upper").find("bucket"), std::string::npos);       // upper case
  EXPECT_NE(message_of("s3://-abc").find("bucket"), std::string::npos);        // leading dash
  EXPECT_NE(message_of("s3://abc/a/../b").find("prefix"), std::string::npos);  // no ".."
  EXPECT_NE(message_of("s3://abc/a b").find("prefix"), std::string::npos);     // bad character
  EXPECT_NE(message_of("s3://abc?bogus=1").find("bogus"), std::string::npos);  // unknown parameter
  EXPECT_NE(message_of("s3://abc?region=x&region=y").find("twice"), std::string::npos);
  EXPECT_NE(message_of("s3://abc?endpoint").find("name=value"), std::string::npos);
  EXPECT_NE(message_of("s3://abc?endpoint=ftp://h").find("endpoint"), std::string::npos);
  EXPECT_NE(message_of("s3://abc?endpoint=http://h/path").find("endpoint"), std::string::npos);
  EXPECT_NE(message_of("s3://abc?endpoint=http://u:p@h").find("endpoint"), std::string::npos);
  EXPECT_NE(message_of("s3://abc?region=US_EAST").find("region"), std::string::npos);
  EXPECT_NE(message_of("s3://abc?endpoint=%zz").find("escape"), std::string::npos);
}

// ---- CredentialsFromEnv --------------------------------------------------------------------------

auto FakeEnv(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(CredentialsFromEnvTest, ReadsTheAwsVariables) {
  const S3Credentials credentials = CredentialsFromEnv(
      FakeEnv({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "SK"}, {"AWS_SESSION_TOKEN", "TOK"}}));
  EXPECT_EQ(credentials.access_key_id, "AK");
  EXPECT_EQ(credentials.secret_access_key, "SK");
  EXPECT_EQ(credentials.session_token, "TOK");
  EXPECT_EQ(CredentialsFromEnv(FakeEnv({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "SK"}})).session_token,
            "");
}

TEST(CredentialsFromEnvTest, NamesTheMissingVariable) {
  EXPECT_NE(ErrorMessage([] {
              CredentialsFromEnv(FakeEnv({{"AWS_SECRET_ACCESS_KEY", "SK"}}));
            }).find("AWS_ACCESS_KEY_ID"),
            std::string::npos);
  const std::string message = ErrorMessage([] {
    CredentialsFromEnv(FakeEnv({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", ""}}));
  });
  EXPECT_NE(message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  EXPECT_EQ(CodeOf([] { CredentialsFromEnv(FakeEnv({})); }), ErrorCode::kBadRequest);
}

// ---- ParseListObjectsV2 --------------------------------------------------------------------------

TEST(ParseListObjectsV2Test, UnescapesKeysAndReadsTheToken) {
  const S3ListPage page = ParseListObjectsV2(
      R"(<?xml version="1.0" encoding="UTF-8"?>)"
      R"(<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>p/</Prefix>)"
      R"(<KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>)"
      R"(<Contents><Key>p/a&amp;b&lt;c&gt;&quot;&apos;</Key><Size>1</Size><Owner><ID>x</ID></Owner></Contents>)"
      R"(<Contents><Key>p/&#65;&#x42;&#xe9;&#x1F600;</Key><Size>2</Size></Contents>)"
      R"(<NextContinuationToken>tok+/=&amp;</NextContinuationToken></ListBucketResult>)");
  ASSERT_EQ(page.keys.size(), 2u);
  EXPECT_EQ(page.keys[0], "p/a&b<c>\"'");
  EXPECT_EQ(page.keys[1], "p/AB\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(page.next_token, "tok+/=&");
}

TEST(ParseListObjectsV2Test, LastAndEmptyPages) {
  const S3ListPage last = ParseListObjectsV2(
      "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key></Contents></ListBucketResult>");
  EXPECT_EQ(last.keys, std::vector<std::string>{"k"});
  EXPECT_EQ(last.next_token, "");
  EXPECT_TRUE(ParseListObjectsV2("<ListBucketResult><KeyCount>0</KeyCount></ListBucketResult>").keys.empty());
}

TEST(ParseListObjectsV2Test, RejectsMalformedAnswers) {
  EXPECT_EQ(CodeOf([] { ParseListObjectsV2("<IsTruncated>true</IsTruncated>"); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([] { ParseListObjectsV2("<Contents><Key>a</Key>"); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([] { ParseListObjectsV2("<Contents><Size>1</Size></Contents>"); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([] { ParseListObjectsV2("<Contents><Key>a&nbsp;</Key></Contents>"); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([] { ParseListObjectsV2("<Contents><Key>a&amp</Key></Contents>"); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([] { ParseListObjectsV2("<Contents><Key>&#xZZ;</Key></Contents>"); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([] { ParseListObjectsV2("<Contents><Key>&#x110000;</Key></Contents>"); }), ErrorCode::kInternal);
}

// ---- construction and network failures (no server needed) ----------------------------------------

S3Location LocalLocation(int port) {
  return S3Location{"bucket", "", "http://127.0.0.1:" + std::to_string(port), "us-east-1"};
}

TEST(S3ObjectStoreTest, ConstructorRejectsBadConfiguration) {
  const S3Credentials keys{"AK", "SK", ""};
  EXPECT_EQ(CodeOf([&] { S3ObjectStore(LocalLocation(1), S3Credentials{"AK", "", ""}); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([&] {
              S3ObjectStore(S3Location{"Bad_Bucket", "", "http://h", "us-east-1"}, keys);
            }),
            ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([&] { S3ObjectStore(S3Location{"bucket", "", "h:1", "us-east-1"}, keys); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([&] {
              S3ObjectStore(LocalLocation(1), keys, S3Options{2000, 30000, 1001});
            }),
            ErrorCode::kBadRequest);
}

TEST(S3ObjectStoreTest, RejectsBadKeysBeforeAnyRequest) {
  S3ObjectStore store(LocalLocation(1), S3Credentials{"AK", "SK", ""});
  EXPECT_EQ(CodeOf([&] { store.Put("../x", Bytes("a")); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([&] { store.Get("a//b"); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([&] { store.List("a b"); }), ErrorCode::kBadRequest);
}

TEST(S3ObjectStoreTest, UnreachableEndpointIsUnavailableQuickly) {
  const std::string secret = "the-secret-key-never-shown";
  const faceloop::testing::LoopbackSocket down(/*listen=*/false);  // bound, not listening: connections are refused
  S3ObjectStore store(LocalLocation(down.port()), S3Credentials{"AK", secret, ""}, S3Options{500, 2000});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(CodeOf([&] { store.Put("a", Bytes("x")); }), ErrorCode::kUnavailable);
  EXPECT_EQ(CodeOf([&] { store.Get("a"); }), ErrorCode::kUnavailable);
  EXPECT_EQ(CodeOf([&] { store.List(""); }), ErrorCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  const std::string message = ErrorMessage([&] { store.Exists("a"); });
  EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
  EXPECT_EQ(message.find(secret), std::string::npos) << message;
}

// ---- against a real S3 server (tests/servers/s3.sh) ----------------------------------------------

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string RandomHex(int digits) {
  std::random_device device;
  std::string out;
  for (int i = 0; i < digits; ++i) out += "0123456789abcdef"[device() % 16];
  return out;
}

// Each run works under its own prefix, so runs against one server do not see each other's objects.
// (One bucket for all: SeaweedFS gives every bucket its own volumes, 7 at a time.)
const std::string& RunId() {
  static const std::string id = RandomHex(8);
  return id;
}

class S3ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto url = Env("FACELOOP_TEST_S3_URL");
    if (!url) {
      if (Env("FACELOOP_REQUIRE_SERVERS") == "1") FAIL() << "FACELOOP_TEST_S3_URL is not set (tests/servers/s3.sh)";
      GTEST_SKIP() << "no S3 server: run tests/servers/s3.sh start DIR and source DIR/s3.env";
    }
    location_ = ParseS3Url(*url);
    location_.prefix = std::string("run-").append(RunId()).append("/").append(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    credentials_ = CredentialsFromEnv(Env);
    store_ = MakeStore(credentials_);
    store_->EnsureBucket();
  }

  std::unique_ptr<S3ObjectStore> MakeStore(const S3Credentials& credentials, S3Options options = {}) const {
    return std::make_unique<S3ObjectStore>(location_, credentials, options);
  }

  S3Location location_;
  S3Credentials credentials_;
  std::unique_ptr<S3ObjectStore> store_;
};

TEST_F(S3ServerTest, PutGetOverwriteDeleteExists) {
  S3ObjectStore& store = *store_;
  EXPECT_FALSE(store.Exists("a/b.bin"));
  EXPECT_EQ(store.Get("a/b.bin"), std::nullopt);
  store.Put("a/b.bin", Bytes("hello"));
  EXPECT_TRUE(store.Exists("a/b.bin"));
  EXPECT_EQ(store.Get("a/b.bin"), Bytes("hello"));
  store.Put("a/b.bin", Bytes("replaced"));
  EXPECT_EQ(store.Get("a/b.bin"), Bytes("replaced"));
  store.Put("empty", {});
  EXPECT_EQ(store.Get("empty"), Bytes(""));
  EXPECT_TRUE(store.Exists("empty"));
  store.Delete("a/b.bin");
  EXPECT_FALSE(store.Exists("a/b.bin"));
  EXPECT_EQ(store.Get("a/b.bin"), std::nullopt);
  store.Delete("a/b.bin");  // deleting a missing object is fine
  EXPECT_FALSE(store.Exists("a"));
}

TEST_F(S3ServerTest, EnsureBucketCreatesOnceThenKeeps) {
  S3Location fresh = location_;
  fresh.bucket.append("-").append(RandomHex(8));
  S3ObjectStore store(fresh, credentials_);
  EXPECT_EQ(CodeOf([&] { store.Put("x", Bytes("1")); }), ErrorCode::kInternal);  // no such bucket yet
  store.EnsureBucket();
  store.Put("x", Bytes("1"));
  store.EnsureBucket();
  S3ObjectStore(fresh, credentials_).EnsureBucket();
  EXPECT_EQ(store.Get("x"), Bytes("1"));
}

TEST_F(S3ServerTest, KeysWithEveryAllowedCharacter) {
  const std::vector<std::string> keys = {"AZaz09-_.x",
                                         "dir.with.dots/file-name_1.tar.gz",
                                         "a/b/c/d/e/f/g",
                                         "-leading-dash",
                                         "_/_/_",
                                         "x.",
                                         "UPPER/lower/0123456789"};
  for (const auto& key : keys) store_->Put(key, Bytes(key));
  for (const auto& key : keys) EXPECT_EQ(store_->Get(key), Bytes(key)) << key;
  auto sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(store_->List(""), sorted);
}

TEST_F(S3ServerTest, BinaryAndLargeObjects) {
  std::vector<std::uint8_t> all_bytes;
  for (int round = 0; round < 4; ++round) {
    for (int b = 0; b < 256; ++b) all_bytes.push_back(static_cast<std::uint8_t>(b));
  }
  store_->Put("binary", all_bytes);
  EXPECT_EQ(store_->Get("binary"), all_bytes);

  std::mt19937 random(42);
  std::vector<std::uint8_t> large(5 * 1024 * 1024);
  for (auto& byte : large) byte = static_cast<std::uint8_t>(random());
  store_->Put("large", large);
  const auto back = store_->Get("large");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->size(), large.size());
  EXPECT_TRUE(*back == large);
}

TEST_F(S3ServerTest, ListFiltersByPrefixAcrossPages) {
  auto store = MakeStore(credentials_, S3Options{2000, 30000, 3});  // 3 keys a page: several pages
  std::vector<std::string> expected;
  for (int i = 0; i < 10; ++i) {
    const std::string key = "in/" + std::to_string(i) + ".bin";
    store->Put(key, Bytes("x"));
    expected.push_back(key);
  }
  store->Put("inside.bin", Bytes("x"));
  store->Put("out/1.bin", Bytes("x"));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(store->List("in/"), expected);
  EXPECT_EQ(store->List("in/1"), std::vector<std::string>{"in/1.bin"});
  EXPECT_EQ(store->List("in").size(), 11u);
  EXPECT_EQ(store->List("").size(), 12u);
  EXPECT_TRUE(store->List("nothing/").empty());
}

TEST_F(S3ServerTest, ListStaysInsideTheStorePrefix) {
  store_->Put("mine", Bytes("x"));
  S3Location sibling = location_;
  sibling.prefix += "-sibling";  // shares the string prefix, not the folder
  S3ObjectStore(sibling, credentials_).Put("theirs", Bytes("y"));
  EXPECT_EQ(store_->List(""), std::vector<std::string>{"mine"});
}

TEST_F(S3ServerTest, ConcurrentCallsFromManyThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string key = std::string("t").append(std::to_string(t)).append("/").append(std::to_string(i));
        store_->Put(key, Bytes(key));
        if (store_->Get(key) != Bytes(key)) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store_->List("").size(), 80u);
}

TEST_F(S3ServerTest, WrongSecretIsRefusedWithoutShowingIt) {
  const std::string wrong = "definitely-not-the-secret-" + RandomHex(8);
  auto store = MakeStore(S3Credentials{credentials_.access_key_id, wrong, ""});
  const std::string message = ErrorMessage([&] { store->Put("x", Bytes("1")); });
  EXPECT_EQ(CodeOf([&] { store->Put("x", Bytes("1")); }), ErrorCode::kInternal);
  EXPECT_NE(message.find("refused credentials"), std::string::npos) << message;
  EXPECT_EQ(message.find(wrong), std::string::npos) << message;
  EXPECT_EQ(message.find(credentials_.secret_access_key), std::string::npos) << message;
  EXPECT_EQ(CodeOf([&] { store->Get("x"); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { store->List(""); }), ErrorCode::kInternal);
  EXPECT_FALSE(store_->Exists("x"));
}

TEST_F(S3ServerTest, MissingBucketIsAnErrorNotAMissingObject) {
  S3Location missing = location_;
  missing.bucket.append("-missing-").append(RunId());
  S3ObjectStore store(missing, credentials_);
  EXPECT_EQ(CodeOf([&] { store.Get("x"); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { store.List(""); }), ErrorCode::kInternal);
}

}  // namespace
}  // namespace faceloop::storage
