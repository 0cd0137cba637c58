// The behaviour every IObjectStore must share, run against the local store, the tiered store (local
// in front of a remote tier) and a real S3 server (SeaweedFS, tests/servers/s3.sh): the service is
// written once against IObjectStore and must not care which one it gets.
#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "storage/local_object_store.hpp"
#include "storage/open_object_store.hpp"
#include "storage/s3/s3_object_store.hpp"
#include "storage/tiered_object_store.hpp"
#include "support/error_code.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::storage {
namespace {

using faceloop::testing::CodeOf;
using faceloop::testing::ServerEnv;

std::vector<std::uint8_t> Bytes(const std::string& text) { return {text.begin(), text.end()}; }

// Unique per process, so runs against one server never see each other's objects.
const std::string& RunId() {
  static const std::string id = [] {
    std::random_device device;
    return std::to_string(device()) + std::to_string(device() % 1000);
  }();
  return id;
}

// A fresh S3 store under its own prefix in the bucket of FACELOOP_TEST_S3_URL.
std::unique_ptr<S3ObjectStore> FreshS3Store() {
  S3Location location = ParseS3Url(*ServerEnv("FACELOOP_TEST_S3_URL"));
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(test->name()).append("-").append(test->value_param());
  std::replace(name.begin(), name.end(), '/', '-');
  std::replace(name.begin(), name.end(), '"', '-');
  location.prefix = std::string("contract-").append(RunId()).append("/").append(name);
  auto store = std::make_unique<S3ObjectStore>(location, CredentialsFromEnv(ServerEnv));
  store->EnsureReady();
  return store;
}

class ObjectStoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string& kind = GetParam();
    if (kind.find("s3") != std::string::npos) {
      FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_S3_URL");
      remote_ = FreshS3Store();
    } else if (kind == "tiered") {
      remote_ = std::make_unique<LocalObjectStore>(dir_.path() / "remote");
    }
    local_ = std::make_unique<LocalObjectStore>(dir_.path() / "local");
    if (kind == "local") {
      store_ = local_.get();
    } else if (kind == "s3") {
      store_ = remote_.get();
    } else {
      tiered_ = std::make_unique<TieredObjectStore>(*local_, *remote_);
      store_ = tiered_.get();
    }
    store_->EnsureReady();
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<IObjectStore> local_;
  std::unique_ptr<IObjectStore> remote_;
  std::unique_ptr<TieredObjectStore> tiered_;
  IObjectStore* store_ = nullptr;
};

TEST_P(ObjectStoreContractTest, PutThenGetReturnsTheSameBytes) {
  std::vector<std::uint8_t> every_byte;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<std::uint8_t>(b));
  store_->Put("a/b/c.bin", every_byte);
  EXPECT_EQ(store_->Get("a/b/c.bin"), every_byte);
  EXPECT_TRUE(store_->Exists("a/b/c.bin"));
}

TEST_P(ObjectStoreContractTest, PutOverwrites) {
  store_->Put("k", Bytes("first, and longer"));
  store_->Put("k", Bytes("second"));
  EXPECT_EQ(store_->Get("k"), Bytes("second"));
  EXPECT_EQ(store_->List(""), std::vector<std::string>{"k"});
}

TEST_P(ObjectStoreContractTest, MissingKeyIsNoObjectNotAnError) {
  EXPECT_EQ(store_->Get("missing/key"), std::nullopt);
  EXPECT_FALSE(store_->Exists("missing/key"));
  store_->Put("missing/other", Bytes("x"));  // a sibling does not make it exist
  EXPECT_EQ(store_->Get("missing/key"), std::nullopt);
  EXPECT_FALSE(store_->Exists("missing"));  // nor does a "directory" of keys
}

TEST_P(ObjectStoreContractTest, DeleteRemovesAndIsIdempotent) {
  store_->Put("d/1", Bytes("x"));
  store_->Put("d/2", Bytes("y"));
  store_->Delete("d/1");
  EXPECT_EQ(store_->Get("d/1"), std::nullopt);
  EXPECT_FALSE(store_->Exists("d/1"));
  EXPECT_EQ(store_->List("d/"), std::vector<std::string>{"d/2"});
  store_->Delete("d/1");
  store_->Delete("never/there");
  EXPECT_EQ(store_->Get("d/2"), Bytes("y"));
}

TEST_P(ObjectStoreContractTest, EmptyObjectExistsAndIsEmpty) {
  store_->Put("empty", {});
  const auto bytes = store_->Get("empty");
  ASSERT_TRUE(bytes.has_value());
  EXPECT_TRUE(bytes->empty());
  EXPECT_TRUE(store_->Exists("empty"));
  EXPECT_EQ(store_->List(""), std::vector<std::string>{"empty"});
}

TEST_P(ObjectStoreContractTest, LargeObjectRoundTrips) {
  std::mt19937 random(11);
  std::vector<std::uint8_t> large(8 * 1024 * 1024 + 3);
  for (auto& byte : large) byte = static_cast<std::uint8_t>(random());
  store_->Put("large.bin", large);
  const auto back = store_->Get("large.bin");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->size(), large.size());
  EXPECT_TRUE(*back == large);
}

TEST_P(ObjectStoreContractTest, KeysWithEveryAllowedOddCharacter) {
  const std::vector<std::string> keys = {"-leading-dash", "_/_/_",       "x.",  "trailing.dot./x", "a.b.c/d-e_f",
                                         ".hidden",       "dir/.hidden", "A-Z", "UPPER/lower/09"};
  for (const auto& key : keys) store_->Put(key, Bytes(key));
  for (const auto& key : keys) {
    EXPECT_EQ(store_->Get(key), Bytes(key)) << key;
    EXPECT_TRUE(store_->Exists(key)) << key;
  }
  auto sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(store_->List(""), sorted);
  for (const auto& key : keys) store_->Delete(key);
  EXPECT_TRUE(store_->List("").empty());
}

TEST_P(ObjectStoreContractTest, InvalidKeysAreBadRequestsEverywhere) {
  for (const std::string& key :
       std::vector<std::string>{"", "/abs", "trailing/", "a//b", "../up", "a/../b", "./a", "a/./b", ".", "a b", "a~b",
                                "caf\xC3\xA9", "q?x", "h#x", "p%20", std::string(1025, 'k')}) {
    EXPECT_EQ(CodeOf([&] { store_->Put(key, Bytes("x")); }), ErrorCode::kBadRequest) << key;
    EXPECT_EQ(CodeOf([&] { store_->Get(key); }), ErrorCode::kBadRequest) << key;
    EXPECT_EQ(CodeOf([&] { store_->Exists(key); }), ErrorCode::kBadRequest) << key;
    EXPECT_EQ(CodeOf([&] { store_->Delete(key); }), ErrorCode::kBadRequest) << key;
  }
  for (const char* prefix : {"a b", "../", "a..", "x~"}) {
    EXPECT_EQ(CodeOf([&] { store_->List(prefix); }), ErrorCode::kBadRequest) << prefix;
  }
  EXPECT_TRUE(store_->List("").empty());  // nothing was written by the refused calls
}

TEST_P(ObjectStoreContractTest, ListIsAPlainSortedStringPrefix) {
  for (const char* key : {"in/2.bin", "in/10.bin", "in/1.bin", "inside.bin", "out/1.bin", "in/sub/3.bin"}) {
    store_->Put(key, Bytes("x"));
  }
  EXPECT_EQ(store_->List("in/"), (std::vector<std::string>{"in/1.bin", "in/10.bin", "in/2.bin", "in/sub/3.bin"}));
  EXPECT_EQ(store_->List("in/1"), (std::vector<std::string>{"in/1.bin", "in/10.bin"}));
  EXPECT_EQ(store_->List("in").size(), 5u);
  EXPECT_EQ(store_->List("in/sub/3.bin"), std::vector<std::string>{"in/sub/3.bin"});
  EXPECT_EQ(store_->List("").size(), 6u);
  EXPECT_TRUE(store_->List("nothing").empty());
  EXPECT_TRUE(store_->List("nothing/deeper/").empty());
}

TEST_P(ObjectStoreContractTest, ManyThreadsAtOnce) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 8; ++i) {
        const std::string key = std::string("t").append(std::to_string(t)).append("/").append(std::to_string(i));
        store_->Put(key, Bytes(key));
        if (store_->Get(key) != Bytes(key)) ++wrong;
        if (i % 2 == 1) store_->Delete(key);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(store_->List("").size(), 24u);
}

INSTANTIATE_TEST_SUITE_P(Stores, ObjectStoreContractTest, ::testing::Values("local", "tiered", "s3", "tiered_s3"),
                         [](const auto& info) { return info.param; });

// ---- OpenObjectStore --------------------------------------------------------------------------------

std::optional<std::string> FakeEnv(const char* name) {
  const std::string wanted = name;
  if (wanted == "AWS_ACCESS_KEY_ID") return "AK";
  if (wanted == "AWS_SECRET_ACCESS_KEY") return "SK";
  return std::nullopt;
}

TEST(OpenObjectStoreTest, PicksTheStoreByScheme) {
  EXPECT_EQ(OpenObjectStore("", FakeEnv), nullptr);
  const auto store = OpenObjectStore("s3://bucket/pre?endpoint=http://127.0.0.1:1", FakeEnv);
  const auto* s3 = dynamic_cast<const S3ObjectStore*>(store.get());
  ASSERT_NE(s3, nullptr);
  EXPECT_EQ(s3->location().prefix, "pre");
  EXPECT_EQ(s3->location().endpoint, "http://127.0.0.1:1");
}

TEST(OpenObjectStoreTest, RefusesOtherSchemesAndMissingCredentials) {
  EXPECT_EQ(CodeOf([] { OpenObjectStore("file:///tmp/x", FakeEnv); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { OpenObjectStore("S3://bucket", FakeEnv); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { OpenObjectStore("s3://Bad_Bucket", FakeEnv); }), ErrorCode::kBadRequest);
  const auto no_env = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  EXPECT_EQ(CodeOf([&] { OpenObjectStore("s3://bucket", no_env); }), ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace faceloop::storage
