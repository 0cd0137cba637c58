#include "eval/annotations.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>

#include "common/error.hpp"

namespace faceloop::eval {
namespace {

namespace fs = std::filesystem;

// Writes synthetic annotation files into a private temp dir, removed when the test ends.
class AnnotationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("faceloop_annotations_") + info->name() + "_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "sub");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& text, const std::string& name = "sub/ann.json") {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }

  // Error message of LoadAnnotations on `text`, after checking it throws kBadRequest.
  std::string LoadError(const std::string& text) {
    try {
      LoadAnnotations(Write(text));
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kBadRequest) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "no error for: " << text;
    return "";
  }

  fs::path dir_;
};

constexpr const char* kTwoImages = R"({
  "name": "synthetic",
  "images": [
    {"file": "pics/a.jpg", "width": 640, "height": 480,
     "faces": [[10, 20, 30, 40], [100.5, 50, 25, 25], [300, 200, 8, 9]],
     "faces_difficulty": ["easy", null, "hard"],
     "faces_attrs": [{}, {}, {}],
     "ignore": [[5, 6, 7, 8]], "ignore_reason": ["invalid"]},
    {"file": "b.jpg", "width": 32, "height": 16, "faces": [], "faces_difficulty": []}
  ]
})";

TEST_F(AnnotationsTest, LoadsFieldsAndDifficulty) {
  const auto images = LoadAnnotations(Write(kTwoImages));
  ASSERT_EQ(images.size(), 2u);
  const AnnotatedImage& a = images[0];
  EXPECT_EQ(a.width, 640);
  EXPECT_EQ(a.height, 480);
  ASSERT_EQ(a.faces.size(), 3u);
  EXPECT_FLOAT_EQ(a.faces[0].box.x, 10);
  EXPECT_FLOAT_EQ(a.faces[0].box.y, 20);
  EXPECT_FLOAT_EQ(a.faces[0].box.width, 30);
  EXPECT_FLOAT_EQ(a.faces[0].box.height, 40);
  EXPECT_FLOAT_EQ(a.faces[1].box.x, 100.5f);
  EXPECT_EQ(a.faces[0].difficulty, Difficulty::kEasy);
  EXPECT_FALSE(a.faces[1].difficulty.has_value());
  EXPECT_EQ(a.faces[2].difficulty, Difficulty::kHard);
  ASSERT_EQ(a.ignore.size(), 1u);
  EXPECT_FLOAT_EQ(a.ignore[0].width, 7);
  EXPECT_TRUE(images[1].faces.empty());
  EXPECT_TRUE(images[1].ignore.empty());  // "ignore" is optional
}

TEST_F(AnnotationsTest, ResolvesFilesRelativeToJsonDirectory) {
  const auto images = LoadAnnotations(Write(kTwoImages));
  EXPECT_EQ(images[0].file, dir_ / "sub" / "pics" / "a.jpg");
  EXPECT_EQ(images[1].file, dir_ / "sub" / "b.jpg");
}

TEST_F(AnnotationsTest, KeepsAbsoluteFilePaths) {
  const auto images = LoadAnnotations(
      Write(R"({"images": [{"file": "/abs/x.jpg", "width": 1, "height": 1, "faces": [], "faces_difficulty": []}]})"));
  EXPECT_EQ(images.at(0).file, fs::path("/abs/x.jpg"));
}

TEST_F(AnnotationsTest, EmptyImageListIsValid) { EXPECT_TRUE(LoadAnnotations(Write(R"({"images": []})")).empty()); }

TEST_F(AnnotationsTest, MissingFileIsNotFound) {
  try {
    LoadAnnotations(dir_ / "nope.json");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

TEST_F(AnnotationsTest, MalformedJsonIsBadRequest) {
  EXPECT_NE(LoadError(R"({"images": [)").find("invalid JSON"), std::string::npos);
  EXPECT_NE(LoadError("").find("invalid JSON"), std::string::npos);
}

TEST_F(AnnotationsTest, WrongTopLevelIsBadRequest) {
  EXPECT_NE(LoadError("[]").find("top level"), std::string::npos);
  EXPECT_NE(LoadError("{}").find("missing \"images\""), std::string::npos);
  LoadError(R"({"images": {}})");
  LoadError(R"({"images": [42]})");
}

TEST_F(AnnotationsTest, MalformedFieldsNameTheirLocation) {
  const std::string ok_tail = R"(, "faces": [], "faces_difficulty": []}]})";
  EXPECT_NE(LoadError(R"({"images": [{"width": 1, "height": 1)" + ok_tail).find("missing \"file\""), std::string::npos);
  EXPECT_NE(LoadError(R"({"images": [{"file": "", "width": 1, "height": 1)" + ok_tail).find("images[0].file"),
            std::string::npos);
  EXPECT_NE(LoadError(R"({"images": [{"file": "a", "width": 0, "height": 1)" + ok_tail).find("images[0].width"),
            std::string::npos);
  EXPECT_NE(LoadError(R"({"images": [{"file": "a", "width": 1, "height": 2.5)" + ok_tail).find("height"),
            std::string::npos);
}

TEST_F(AnnotationsTest, MalformedBoxesAndDifficultiesAreBadRequest) {
  const std::string head = R"({"images": [{"file": "a", "width": 9, "height": 9, )";
  EXPECT_NE(LoadError(head + R"("faces": [[1, 2, 3]], "faces_difficulty": ["easy"]}]})").find("images[0].faces[0]"),
            std::string::npos);
  LoadError(head + R"("faces": [[1, 2, 3, "4"]], "faces_difficulty": ["easy"]}]})");
  LoadError(head + R"("faces": {}, "faces_difficulty": []}]})");
  LoadError(head + R"("faces": [], "faces_difficulty": [], "ignore": [[1, 2]]}]})");
  EXPECT_NE(LoadError(head + R"("faces": [[1, 2, 3, 4]], "faces_difficulty": []}]})").find("one entry per face"),
            std::string::npos);
  EXPECT_NE(LoadError(head + R"("faces": [[1, 2, 3, 4]], "faces_difficulty": ["extreme"]}]})").find("extreme"),
            std::string::npos);
  LoadError(head + R"("faces": [[1, 2, 3, 4]], "faces_difficulty": [1]}]})");
  LoadError(head + R"("faces": [[1, 2, 3, 4]]}]})");
}

TEST(FacebenchAnnotationsTest, LoadsDevSplit) {
  const fs::path path = FACELOOP_SOURCE_DIR "/../shared/facebench/annotations_dev.json";
  if (!fs::exists(path)) GTEST_SKIP() << "facebench not found at " << path.string();
  const auto images = LoadAnnotations(path);
  EXPECT_EQ(images.size(), 669u);
  const std::size_t faces = std::accumulate(images.begin(), images.end(), std::size_t{0},
                                            [](std::size_t n, const AnnotatedImage& i) { return n + i.faces.size(); });
  EXPECT_EQ(faces, 7897u);
  ASSERT_FALSE(images.empty());
  EXPECT_TRUE(fs::exists(images.front().file)) << images.front().file;
}

}  // namespace
}  // namespace faceloop::eval
