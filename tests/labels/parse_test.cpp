// The Label Studio and COCO readers as units: a good file of each, and each kind of malformed
// input with its precise message (the line, the task, the field).
#include "labels/parse.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <sstream>
#include <streambuf>

#include "common/error.hpp"
#include "labels/json_stream.hpp"

// AddressSanitizer (gcc says __SANITIZE_ADDRESS__, clang __has_feature).
#if defined(__SANITIZE_ADDRESS__)
#define FACELOOP_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FACELOOP_UNDER_ASAN 1
#endif
#endif
#ifndef FACELOOP_UNDER_ASAN
#define FACELOOP_UNDER_ASAN 0
#endif

namespace faceloop::labels {
namespace {

struct Read {
  std::int64_t count = 0;
  std::vector<ParsedTask> tasks;
  std::vector<TaskProblem> problems;
};

Read LabelStudio(const std::string& text) {
  std::istringstream in(text);
  Read read;
  read.count = ParseLabelStudio(
      in, [&read](ParsedTask&& t) { read.tasks.push_back(std::move(t)); },
      [&read](TaskProblem&& p) { read.problems.push_back(std::move(p)); });
  return read;
}

Read Coco(const std::string& text) {
  std::istringstream in(text);
  Read read;
  read.count = ParseCoco(
      in, [&read](ParsedTask&& t) { read.tasks.push_back(std::move(t)); },
      [&read](TaskProblem&& p) { read.problems.push_back(std::move(p)); });
  return read;
}

std::string ErrorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    return e.what();
  }
  return "(no error)";
}

std::string Rect(double x, const std::string& label = "face") {
  return R"({"type": "rectanglelabels", "from_name": "label", "to_name": "image", "original_width": 200,
    "original_height": 100, "value": {"x": )" +
         std::to_string(x) + R"(, "y": 10, "width": 20, "height": 30, "rotation": 0, "rectanglelabels": [")" + label +
         R"("]}})";
}

const std::string kGoodExport = R"([
  {"id": 1, "data": {"image": "images/r1.jpg", "request_id": "r1"},
   "annotations": [{"id": 7, "completed_by": {"id": 3, "email": "ann@example.com"},
                    "result": [)" +
                                Rect(10) + "," + Rect(50, "ignore") +
                                R"(, {"type": "choices", "value": {"choices": ["ok"]}}],
                    "was_cancelled": false, "updated_at": "2026-11-02T10:00:00Z"},
                   {"id": 8, "completed_by": 4, "result": [], "was_cancelled": true}],
   "predictions": [{"model_version": "x", "score": 0.9, "result": []}]},
  {"id": 2, "data": {"image": "images/r2.png"}, "annotations": [{"completed_by": 5, "result": []}]},
  {"id": 3, "data": {"request_id": "r3"}, "annotations": []}
])";

TEST(LabelStudioTest, ReadsTasksAnnotationsAndBoxes) {
  const Read read = LabelStudio(kGoodExport);
  EXPECT_EQ(read.count, 3);
  EXPECT_TRUE(read.problems.empty());
  ASSERT_EQ(read.tasks.size(), 2u);  // the cancelled annotation and the task without any are skipped
  const ParsedTask& first = read.tasks[0];
  EXPECT_EQ(first.request_id, "r1");
  EXPECT_EQ(first.annotator, "ann@example.com");
  EXPECT_EQ(first.at.index, 0);
  EXPECT_EQ(first.at.line, 2);
  EXPECT_TRUE(first.percent);
  EXPECT_EQ(first.width, 200);
  EXPECT_EQ(first.height, 100);
  ASSERT_EQ(first.boxes.size(), 2u);
  EXPECT_DOUBLE_EQ(first.boxes[0].x, 10);
  EXPECT_FALSE(first.boxes[0].ignore);
  EXPECT_TRUE(first.boxes[1].ignore);
  EXPECT_TRUE(first.labelled_at.has_value());
  EXPECT_EQ(read.tasks[1].request_id, "r2");  // from data.image
  EXPECT_EQ(read.tasks[1].annotator, "labelstudio:5");
  EXPECT_TRUE(read.tasks[1].boxes.empty());  // "no faces" is a label too
}

TEST(LabelStudioTest, MalformedJsonNamesTheLineAndTask) {
  EXPECT_EQ(ErrorOf([] { LabelStudio("{}"); }),
            "line 1: malformed JSON: a Label Studio export is a JSON array of tasks");
  const std::string broken = "[\n {\"data\": {}},\n {\"data\":\n  {\"request_id\": \"r\" \"x\"}}\n]";
  const std::string message = ErrorOf([&] { LabelStudio(broken); });
  EXPECT_EQ(message.rfind("line 4 (task 1): malformed JSON: ", 0), 0u) << message;
  EXPECT_EQ(ErrorOf([] { LabelStudio("[{\"data\": {}}"); }), "line 1: malformed JSON: expected ',' or ']'");
  EXPECT_EQ(ErrorOf([] { LabelStudio("[\n{\"data\": \"abc}]"); }),
            "line 2 (task 0): malformed JSON: a string is not closed");
  EXPECT_EQ(ErrorOf([] { LabelStudio("[] x"); }), "line 1: malformed JSON: text after the end of the document");
  EXPECT_EQ(ErrorOf([] { LabelStudio("[" + std::string(100, '[') + std::string(100, ']') + "]"); }),
            "line 1 (task 0): nested deeper than 64 levels");
}

TEST(LabelStudioTest, UnusableTasksAreProblemsNamingTheField) {
  const auto problem = [](const std::string& task) {
    const Read read = LabelStudio("[" + task + "]");
    EXPECT_EQ(read.problems.size(), 1u) << task;
    return read.problems.empty() ? std::string() : read.problems[0].message;
  };
  const auto with = [](const std::string& result) {
    return R"({"data": {"request_id": "r1"}, "annotations": [{"completed_by": 1, "result": [)" + result + "]}]}";
  };
  EXPECT_EQ(problem(R"({"annotations": []})"), "data.request_id (or data.image) is missing");
  EXPECT_EQ(problem(R"({"data": {"request_id": 5}})"), "data.request_id must be a string");
  EXPECT_EQ(problem(with(R"({"type": "rectanglelabels", "value": {"x": "1", "y": 1, "width": 1, "height": 1}})")),
            "annotations[0].result[0].value.x must be a finite number");
  EXPECT_EQ(problem(with(R"({"type": "rectanglelabels", "value": {"x": 1, "y": 1, "width": 1}})")),
            "annotations[0].result[0].value.height must be a finite number");
  EXPECT_EQ(problem(with(R"({"type": "rectanglelabels", "value": {"x": 1, "y": 1, "width": 1, "height": 1,
                                  "rotation": 30}})")),
            "annotations[0].result[0].value.rotation must be 0");
  EXPECT_EQ(problem(with(Rect(1, "cat"))),
            R"(annotations[0].result[0].value.rectanglelabels must be ["face"] or ["ignore"])");
  EXPECT_EQ(problem(R"({"data": {"request_id": "r1"}, "annotations": [{"completed_by": "x", "result": []}]})"),
            "completed_by must be a user id or an object with an email");
  EXPECT_EQ(problem("3"), "a task must be an object");
}

TEST(LabelStudioTest, NonFiniteNumbersAreNotJson) {
  // NaN and Infinity are not JSON: refused as malformed, before any task is looked at.
  const std::string message = ErrorOf([] { LabelStudio(R"([{"data": {"request_id": "r"}, "x": NaN}])"); });
  EXPECT_EQ(message.rfind("line 1 (task 0): malformed JSON: ", 0), 0u) << message;
  EXPECT_EQ(ErrorOf([] {
              LabelStudio(R"([{"data": {"request_id": "r1"}, "annotations": [{"result": [{"type":
    "rectanglelabels", "value": {"x": 1e999, "y": 1, "width": 1, "height": 1}}]}]}])");
            }),
            "line 1 (task 0): malformed JSON: number overflow parsing '1e999'");
}

const std::string kGoodCoco = R"({
  "info": {"description": "faceloop export"},
  "annotations": [
    {"id": 1, "image_id": 10, "bbox": [1, 2, 30, 40], "category_id": 1},
    {"id": 2, "image_id": 10, "bbox": [50, 2, 30, 40], "category_id": 1, "iscrowd": 1},
    {"id": 3, "image_id": 11, "bbox": [5, 5, 10, 10], "category_id": 2}
  ],
  "images": [
    {"id": 10, "file_name": "images/r1.jpg", "width": 200, "height": 100, "faceloop_request_id": "r1"},
    {"id": 11, "file_name": "images/r2.png", "width": 64, "height": 64},
    {"id": 12, "file_name": "images/r3.png", "width": 64, "height": 64}
  ],
  "categories": [{"id": 1, "name": "face"}, {"id": 2, "name": "ignore"}]
})";

TEST(CocoTest, ReadsImagesAnnotationsAndCategoriesInAnyOrder) {
  const Read read = Coco(kGoodCoco);
  EXPECT_EQ(read.count, 3);
  EXPECT_TRUE(read.problems.empty());
  ASSERT_EQ(read.tasks.size(), 3u);
  EXPECT_EQ(read.tasks[0].request_id, "r1");
  EXPECT_FALSE(read.tasks[0].percent);
  EXPECT_EQ(read.tasks[0].width, 200);
  EXPECT_EQ(read.tasks[0].at.line, 9);
  ASSERT_EQ(read.tasks[0].boxes.size(), 2u);
  EXPECT_FALSE(read.tasks[0].boxes[0].ignore);
  EXPECT_TRUE(read.tasks[0].boxes[1].ignore);  // iscrowd
  EXPECT_EQ(read.tasks[1].request_id, "r2");   // from file_name
  ASSERT_EQ(read.tasks[1].boxes.size(), 1u);
  EXPECT_TRUE(read.tasks[1].boxes[0].ignore);  // category "ignore"
  EXPECT_TRUE(read.tasks[2].boxes.empty());
}

TEST(CocoTest, MalformedFilesAndUnusableEntries) {
  EXPECT_EQ(ErrorOf([] { Coco("[]"); }), "line 1: malformed JSON: a COCO file is a JSON object");
  EXPECT_EQ(ErrorOf([] { Coco(R"({"annotations": []})"); }), "a COCO file needs an images list");
  EXPECT_EQ(ErrorOf([] { Coco("{\"images\": [\n{\"id\": 1,}]}"); }).rfind("line 2 (images[0]): malformed JSON: ", 0),
            0u);
  const Read read = Coco(R"({"images": [{"id": 1, "width": 10, "height": 10, "file_name": "a.png"},
    {"id": 1, "width": 10, "height": 10, "file_name": "b.png"}, {"id": 2, "width": "x", "height": 1}],
    "annotations": [{"image_id": 9, "bbox": [0, 0, 1, 1], "category_id": 1},
                    {"image_id": 1, "bbox": [0, 0, 1], "category_id": 1},
                    {"image_id": 1, "bbox": [0, 0, 1, 1], "category_id": 5}],
    "categories": [{"id": 1, "name": "face"}]})");
  std::vector<std::string> messages;
  for (const TaskProblem& p : read.problems) messages.push_back(p.message);
  EXPECT_EQ(messages,
            (std::vector<std::string>{"images[1].id 1 is used twice", "images[2].width must be a finite number",
                                      "annotations[1].bbox must be [x, y, width, height]",
                                      "annotations[0].image_id 9 names no image",
                                      "annotations[2].category_id must name the category \"face\" or \"ignore\""}));
}

/// A Label Studio export of `tasks` tasks, made as it is read: the file never exists whole.
class GeneratedExport : public std::streambuf {
 public:
  explicit GeneratedExport(int tasks) : tasks_(tasks) { Refill(); }

 protected:
  int_type underflow() override {
    if (gptr() == egptr() && !Refill()) return traits_type::eof();
    return traits_type::to_int_type(*gptr());
  }

 private:
  bool Refill() {
    if (next_ > tasks_) return false;
    if (next_ == tasks_) {
      chunk_ = "]";
    } else {
      chunk_ = std::string(next_ == 0 ? "[" : ",\n") + R"({"data": {"request_id": "r)" + std::to_string(next_) +
               R"("}, "annotations": [{"completed_by": 1, "result": [)" + Rect(next_ % 50) + "]}]}";
    }
    ++next_;
    setg(chunk_.data(), chunk_.data(), chunk_.data() + chunk_.size());
    return true;
  }

  int tasks_;
  int next_ = 0;
  std::string chunk_;
};

long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST(LabelStudioTest, StreamsALargeExportInBoundedMemory) {
  constexpr int kTasks = 100'000;  // about 40 MB of JSON
  GeneratedExport source(kTasks);
  std::istream in(&source);
  const long before = PeakRssKb();
  std::int64_t boxes = 0;
  const std::int64_t read = ParseLabelStudio(
      in, [&boxes](ParsedTask&& t) { boxes += static_cast<std::int64_t>(t.boxes.size()); },
      [](TaskProblem&& p) { FAIL() << p.message; });
  EXPECT_EQ(read, kTasks);
  EXPECT_EQ(boxes, kTasks);
#if FACELOOP_UNDER_ASAN
  // AddressSanitizer keeps freed blocks in quarantine (256 MB), so the peak says nothing there.
  (void)before;
#else
  EXPECT_LT(PeakRssKb() - before, 8 * 1024) << "the peak grew by more than 8 MiB: the file was held";
#endif
}

TEST(RequestIdOfFileTest, StripsFolderAndExtension) {
  EXPECT_EQ(RequestIdOfFile("images/01HX.jpg"), "01HX");
  EXPECT_EQ(RequestIdOfFile("01HX"), "01HX");
}

}  // namespace
}  // namespace faceloop::labels
