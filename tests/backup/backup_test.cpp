// Backup and restore of a data folder (SQLite, objects, spool, pepper) into folders: the manifest,
// the checks a restore makes, and that a failed restore leaves nothing behind.
#include "backup/backup.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "common/error.hpp"
#include "db/migrations.hpp"
#include "db/sqlite_database.hpp"
#include "storage/local_object_store.hpp"
#include "support/error_code.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::backup {
namespace {

namespace fs = std::filesystem;
using faceloop::testing::CodeOf;

std::optional<std::string> NoEnv(const char*) { return std::nullopt; }

void WriteText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(data());
    {
      db::SqliteDatabase database(db::SqliteOptions{(data() / "faceloop.db").string()});
      database.ApplyMigrations(db::FaceloopMigrations());
      database.Execute("INSERT INTO requests (id, user_id, image_key) VALUES ('r1', 'u1', 'inputs/r1.jpg')");
    }
    storage::LocalObjectStore(data() / "objects").Put("inputs/r1.jpg", std::vector<std::uint8_t>{1, 2, 3});
    WriteText(data() / "objects" / "inputs" / "r2.jpg~tmp123", "half-written");
    WriteText(data() / "spool" / "000001.log", "frames");
    WriteText(data() / "spool" / "cursor.database", "1 0 0\n");
    WriteText(data() / "pepper", "secret-pepper");
  }
  fs::path data() const { return dir_.path() / "data"; }
  Manifest TakeBackup() { return Backup({data(), data() / "pepper", (dir_.path() / "backup").string()}, NoEnv); }

  faceloop::testing::TempDir dir_;
};

TEST_F(BackupTest, CopiesEverythingWithAManifestAndRestoresIt) {
  const Manifest manifest = TakeBackup();
  EXPECT_EQ(manifest.counts.at("requests"), 1);
  EXPECT_EQ(manifest.counts.at("objects"), 1) << "temp files are not objects";
  EXPECT_EQ(manifest.counts.at("spool_segments"), 1);
  EXPECT_EQ(manifest.spool_cursors.at("database"), "1 0 0");
  EXPECT_TRUE(fs::exists(dir_.path() / "backup" / kManifestName));
  const fs::path restored = dir_.path() / "restored";
  Restore({(dir_.path() / "backup").string(), restored}, NoEnv);
  EXPECT_EQ(ReadText(restored / "objects" / "inputs" / "r1.jpg"), "\x01\x02\x03");
  EXPECT_FALSE(fs::exists(restored / "objects" / "inputs" / "r2.jpg~tmp123"));
  EXPECT_EQ(ReadText(restored / "pepper"), "secret-pepper");
  EXPECT_EQ(ReadText(restored / "spool" / "cursor.database"), "1 0 0\n");
  db::SqliteDatabase copy(db::SqliteOptions{(restored / "faceloop.db").string()});
  EXPECT_EQ(copy.QueryOne("SELECT image_key FROM requests WHERE id = 'r1'")->Get<std::string>(0), "inputs/r1.jpg");
}

TEST_F(BackupTest, RefusesANonEmptyDestinationOrDataFolder) {
  WriteText(dir_.path() / "backup" / "other", "x");
  EXPECT_EQ(CodeOf([&] { TakeBackup(); }), ErrorCode::kConflict);
  fs::remove_all(dir_.path() / "backup");
  TakeBackup();
  EXPECT_EQ(CodeOf([&] { Restore({(dir_.path() / "backup").string(), data()}, NoEnv); }), ErrorCode::kConflict);
}

TEST_F(BackupTest, ADamagedBackupRestoresNothing) {
  TakeBackup();
  WriteText(dir_.path() / "backup" / "objects" / "inputs" / "r1.jpg", "\x01\x02\x04");
  const fs::path restored = dir_.path() / "restored";
  EXPECT_EQ(CodeOf([&] { Restore({(dir_.path() / "backup").string(), restored}, NoEnv); }), ErrorCode::kInternal);
  EXPECT_FALSE(fs::exists(restored));
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().find("restoring"), std::string::npos) << entry.path();
  }
  fs::remove(dir_.path() / "backup" / kManifestName);
  EXPECT_EQ(CodeOf([&] { Restore({(dir_.path() / "backup").string(), restored}, NoEnv); }), ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace faceloop::backup
