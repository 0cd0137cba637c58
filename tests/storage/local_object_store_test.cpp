#include "storage/local_object_store.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "support/error_code.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::storage {
namespace {

using faceloop::testing::CodeOf;

std::vector<std::uint8_t> Bytes(const std::string& text) { return {text.begin(), text.end()}; }

// Files whose names mark an unfinished write; none may survive a Put, failed or not.
int CountTempFiles(const std::filesystem::path& root) {
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    count += entry.path().filename().string().find('~') != std::string::npos;
  }
  return count;
}

TEST(LocalObjectStoreTest, PutGetExistsDelete) {
  testing::TempDir dir;
  LocalObjectStore store(dir.path() / "objects");
  EXPECT_FALSE(store.Exists("a/b.bin"));
  EXPECT_EQ(store.Get("a/b.bin"), std::nullopt);
  store.Put("a/b.bin", Bytes("hello"));
  EXPECT_TRUE(store.Exists("a/b.bin"));
  EXPECT_EQ(store.Get("a/b.bin"), Bytes("hello"));
  store.Put("a/b.bin", Bytes("replaced"));
  EXPECT_EQ(store.Get("a/b.bin"), Bytes("replaced"));
  store.Put("empty", {});
  EXPECT_EQ(store.Get("empty"), Bytes(""));
  store.Delete("a/b.bin");
  EXPECT_FALSE(store.Exists("a/b.bin"));
  EXPECT_EQ(store.Get("a/b.bin"), std::nullopt);
  store.Delete("a/b.bin");          // deleting a missing object is fine
  EXPECT_FALSE(store.Exists("a"));  // a directory is not an object
  EXPECT_EQ(CountTempFiles(dir.path()), 0);
}

TEST(LocalObjectStoreTest, ObjectsOutliveTheStoreObject) {
  testing::TempDir dir;
  LocalObjectStore(dir.path()).Put("x/y/z.txt", Bytes("kept"));
  EXPECT_EQ(LocalObjectStore(dir.path()).Get("x/y/z.txt"), Bytes("kept"));
}

TEST(LocalObjectStoreTest, ListFiltersByPrefixAndSorts) {
  testing::TempDir dir;
  LocalObjectStore store(dir.path());
  for (const char* key :
       {"inputs/2024/01/02/b.jpg", "inputs/2024/01/02/a.jpg", "inputs/2024/11/01/c.png", "other.txt"}) {
    store.Put(key, Bytes(key));
  }
  const std::vector<std::string> all = {"inputs/2024/01/02/a.jpg", "inputs/2024/01/02/b.jpg", "inputs/2024/11/01/c.png",
                                        "other.txt"};
  EXPECT_EQ(store.List(""), all);
  EXPECT_EQ(store.List("inputs/"), std::vector<std::string>(all.begin(), all.begin() + 3));
  EXPECT_EQ(store.List("inputs/2024/0"), std::vector<std::string>(all.begin(), all.begin() + 2));
  EXPECT_EQ(store.List("inputs/2024/01/02/b"), std::vector<std::string>{"inputs/2024/01/02/b.jpg"});
  EXPECT_TRUE(store.List("nothing/").empty());
  EXPECT_EQ(CodeOf([&] { store.List("../"); }), ErrorCode::kBadRequest);
}

TEST(LocalObjectStoreTest, ListSkipsUnfinishedWrites) {
  testing::TempDir dir;
  LocalObjectStore store(dir.path());
  store.Put("d/done.bin", Bytes("x"));
  std::ofstream(dir.path() / "d" / "done.bin~123.4") << "torn";  // what a crash mid-Put leaves
  EXPECT_EQ(store.List("d/"), std::vector<std::string>{"d/done.bin"});
}

TEST(LocalObjectStoreTest, RejectsUnsafeKeys) {
  testing::TempDir dir;
  LocalObjectStore store(dir.path());
  const std::vector<std::string> bad_keys = {"",
                                             "/etc/passwd",
                                             "../x",
                                             "a/../b",
                                             "a/..",
                                             "..",
                                             "a//b",
                                             "a/",
                                             ".",
                                             "./a",
                                             "a/./b",
                                             "a b",
                                             "a\\b",
                                             "caf\xc3\xa9",
                                             "a~b",
                                             "a\nb",
                                             std::string(1025, 'k')};
  for (const auto& key : bad_keys) {
    EXPECT_EQ(CodeOf([&] { store.Put(key, Bytes("x")); }), ErrorCode::kBadRequest) << key;
    EXPECT_EQ(CodeOf([&] { store.Get(key); }), ErrorCode::kBadRequest) << key;
    EXPECT_EQ(CodeOf([&] { store.Delete(key); }), ErrorCode::kBadRequest) << key;
  }
  EXPECT_NO_THROW(ValidateKey("A-z_0.9/.hidden/file.tar.gz"));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(LocalObjectStoreTest, FailedRenameLeavesNoTempFile) {
  testing::TempDir dir;
  LocalObjectStore store(dir.path());
  store.Put("taken/child", Bytes("x"));
  // "taken" is a non-empty directory, so renaming the new object onto it fails after the write.
  EXPECT_EQ(CodeOf([&] { store.Put("taken", Bytes("y")); }), ErrorCode::kInternal);
  EXPECT_EQ(CountTempFiles(dir.path()), 0);
  EXPECT_EQ(store.Get("taken/child"), Bytes("x"));
}

TEST(InputKeyTest, UtcDateLayout) {
  using namespace std::chrono;
  const sys_time<seconds> t = sys_days{2024y / March / 5} + 23h + 59min + 59s;
  EXPECT_EQ(InputKey("req-1_A", t, "jpg"), "inputs/2024/03/05/req-1_A.jpg");
  EXPECT_EQ(InputKey("r", sys_days{1999y / December / 31} + 24h, "webp"), "inputs/2000/01/01/r.webp");
  EXPECT_NO_THROW(ValidateKey(InputKey("r", system_clock::now(), "png")));
}

TEST(InputKeyTest, RejectsUnsafeParts) {
  const auto now = std::chrono::system_clock::now();
  for (const char* id : {"", "..", "a/b", "a.b", "a b"}) {
    EXPECT_EQ(CodeOf([&] { InputKey(id, now, "jpg"); }), ErrorCode::kBadRequest) << id;
  }
  for (const char* ext : {"", "j/p", ".jpg", "j-g"}) {
    EXPECT_EQ(CodeOf([&] { InputKey("r", now, ext); }), ErrorCode::kBadRequest) << ext;
  }
}

}  // namespace
}  // namespace faceloop::storage
