#include "events/object_sink.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "events/records.hpp"
#include "storage/group_commit.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::events {
namespace {

std::string RequestWithImage(const std::string& id) {
  RequestRecord record;
  record.request_id = id;
  record.received_at = std::chrono::system_clock::now();
  record.user_id = "u1";
  record.image_key = "inputs/2026/11/30/" + id + ".jpeg";
  return ToSpoolRecord(record);
}

std::string Key(const std::string& id) { return "inputs/2026/11/30/" + id + ".jpeg"; }

std::string Text(const std::optional<std::vector<std::uint8_t>>& bytes) {
  return bytes ? std::string(bytes->begin(), bytes->end()) : "<none>";
}

std::span<const std::uint8_t> Bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

class ObjectSinkTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  storage::GroupCommitter committer_;
  storage::LocalObjectStore local_{dir_.path() / "objects", &committer_};
  // In production the remote store is S3 (tests/functional/test_backends.py ships images to a
  // real one); here a second folder store takes its place behind the same interface.
  storage::LocalObjectStore remote_{dir_.path() / "remote"};
};

TEST_F(ObjectSinkTest, StoreImagesWritesEachAttachmentUnderItsRecordsKey) {
  Event event;
  event.id = "e1";
  event.type = EventType::kSignup;
  event.occurred_at = std::chrono::system_clock::now();
  const std::vector<std::string> records = {RequestWithImage("a"), ToSpoolRecord(event), RequestWithImage("b"),
                                            "not json", RequestWithImage("c")};
  const std::vector<std::string> images = {"image a", "", "image b", "", ""};
  EXPECT_EQ(StoreImages(local_, records, images), 0u);
  EXPECT_EQ(Text(local_.Get(Key("a"))), "image a");
  EXPECT_EQ(Text(local_.Get(Key("b"))), "image b");
  EXPECT_FALSE(local_.Exists(Key("c")));  // spooled without its image: nothing to store
  EXPECT_EQ(local_.List("inputs/").size(), 2u);
  // A retried batch overwrites with the same bytes.
  EXPECT_EQ(StoreImages(local_, records, images), 0u);
  EXPECT_EQ(local_.List("inputs/").size(), 2u);
}

TEST_F(ObjectSinkTest, DeliverImagesPutsAttachmentsAndMovesImagesAnOlderVersionLeftLocally) {
  local_.Put(Key("old"), Bytes("old image"));  // spooled by a version that stored images locally first
  const std::vector<std::string> records = {RequestWithImage("new"), RequestWithImage("old"), RequestWithImage("gone")};
  const std::vector<std::string> images = {"new image", "", ""};
  EXPECT_EQ(DeliverImages(local_, remote_, records, images, 2), 0u);
  EXPECT_EQ(Text(remote_.Get(Key("new"))), "new image");
  EXPECT_EQ(Text(remote_.Get(Key("old"))), "old image");
  EXPECT_FALSE(remote_.Exists(Key("gone")));    // neither attached nor left locally: skipped
  EXPECT_TRUE(local_.List("inputs/").empty());  // nothing is copied locally; the old copy went
}

}  // namespace
}  // namespace faceloop::events
