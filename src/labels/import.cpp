#include "labels/import.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "common/field_json.hpp"
#include "common/time.hpp"
#include "labels/parse.hpp"

namespace faceloop::labels {
namespace {

/// The API's encodings of the label types' own members.
struct LabelJsonCodec : fields::JsonCodec {
  using JsonCodec::Encode;
  static nlohmann::json Encode(Source source) { return ToString(source); }
  static nlohmann::json Encode(const std::vector<LabelBox>& boxes) {
    nlohmann::json json = nlohmann::json::array();
    for (const LabelBox& b : boxes) {
      json.push_back({{"x", b.x}, {"y", b.y}, {"width", b.width}, {"height", b.height}, {"ignore", b.ignore}});
    }
    return json;
  }
};

constexpr std::size_t kLinesInMessage = 10;  ///< invalid tasks named in the refusal's one-line message

std::string Describe(const ReportLine& line) {
  std::string text = "task " + std::to_string(line.task) + " (line " + std::to_string(line.line);
  if (!line.request_id.empty()) text += ", request " + line.request_id;
  return text + "): " + line.message;
}

std::string Message(const ImportReport& report) {
  std::vector<const ReportLine*> invalid;
  for (const ReportLine& line : report.lines) {
    if (line.kind == "invalid") invalid.push_back(&line);
  }
  std::string text =
      std::to_string(invalid.size()) + " invalid task" + (invalid.size() == 1 ? "" : "s") + ", nothing imported: ";
  for (std::size_t i = 0; i < invalid.size() && i < kLinesInMessage; ++i) {
    text += (i > 0 ? "; " : "") + Describe(*invalid[i]);
  }
  if (invalid.size() > kLinesInMessage) text += "; ...";
  return text;
}

/// The image size of a record (its metadata), when it has one.
std::optional<std::pair<double, double>> ImageSize(const requests::RequestRecord& record) {
  const double width = record.image.value("width", 0.0);
  const double height = record.image.value("height", 0.0);
  if (width <= 0 || height <= 0) return std::nullopt;
  return std::make_pair(width, height);
}

/// The task's boxes in the record's pixels, clipped to the image; an error message when one is
/// not a box inside the image or the file's stated size is not the image's.
std::optional<std::string> ToPixels(ParsedTask& task, double width, double height) {
  const auto stated = [](const std::optional<double>& size, double actual) {
    return !size || std::abs(*size - actual) < 0.5;
  };
  if (!stated(task.width, width) || !stated(task.height, height)) {
    return "the file says the image is " + std::to_string(std::llround(task.width.value_or(width))) + "x" +
           std::to_string(std::llround(task.height.value_or(height))) + ", the request's image is " +
           std::to_string(std::llround(width)) + "x" + std::to_string(std::llround(height));
  }
  for (std::size_t i = 0; i < task.boxes.size(); ++i) {
    LabelBox& b = task.boxes[i];
    if (task.percent) {
      b = {b.x * width / 100, b.y * height / 100, b.width * width / 100, b.height * height / 100, b.ignore};
    }
    const double t = kEdgeTolerancePx;
    if (b.width <= 0 || b.height <= 0) return "boxes[" + std::to_string(i) + "] has no area";
    if (b.x < -t || b.y < -t || b.x + b.width > width + t || b.y + b.height > height + t) {
      return "boxes[" + std::to_string(i) + "] lies outside the " + std::to_string(std::llround(width)) + "x" +
             std::to_string(std::llround(height)) + " image";
    }
    const double x0 = std::max(0.0, b.x), y0 = std::max(0.0, b.y);
    b = {x0, y0, std::min(width, b.x + b.width) - x0, std::min(height, b.y + b.height) - y0, b.ignore};
  }
  return std::nullopt;
}

/// Reads the file and checks every task; the labels to store and the report so far.
class Collector {
 public:
  Collector(LabelStore& labels, requests::RequestStore& requests, const Importer& who, Source source)
      : labels_(labels), requests_(requests), who_(who), source_(source) {}

  void Task(ParsedTask&& task) {
    const auto record = requests_.Find(task.request_id);
    if (!record || (!who_.can_read_all && record->user_id != who_.user_id)) {
      Add(task.at, task.request_id, "unknown", "no such request");
      return;
    }
    const auto size = ImageSize(*record);
    if (!size) {
      Add(task.at, task.request_id, "invalid", "the request has no stored image size (a failed request?)");
      return;
    }
    if (const auto error = ToPixels(task, size->first, size->second)) {
      Add(task.at, task.request_id, "invalid", *error);
      return;
    }
    Label label{task.request_id,
                source_,
                task.annotator.empty() ? who_.user_id : task.annotator,
                ContentVersion(task.boxes),
                std::move(task.boxes),
                task.labelled_at,
                "",
                {}};
    CheckConflict(task.at, label);
    labels_read_.push_back(std::move(label));
  }

  void Problem(TaskProblem&& problem) { Add(problem.at, problem.request_id, "invalid", problem.message); }

  ImportReport report;
  std::vector<Label> labels_read_;

 private:
  void Add(const TaskPosition& at, const std::string& request_id, const char* kind, const std::string& message) {
    report.lines.push_back({at.index, at.line, request_id, kind, message});
  }

  /// Another version of the same request's label, in this file or stored: a conflict.
  void CheckConflict(const TaskPosition& at, const Label& label) {
    auto [seen, first] = versions_.try_emplace(label.request_id);
    if (first) {
      for (const Label& stored : labels_.ForRequest(label.request_id)) seen->second[stored.version] = stored.annotator;
    }
    for (const auto& [version, annotator] : seen->second) {
      if (version == label.version) continue;
      Add(at, label.request_id, "conflict",
          "labelled differently by " + annotator + " and " + label.annotator + " (the newest label is used)");
      ++report.summary.conflicts;
      break;
    }
    seen->second.emplace(label.version, label.annotator);
  }

  LabelStore& labels_;
  requests::RequestStore& requests_;
  const Importer& who_;
  Source source_;
  std::map<std::string, std::map<std::string, std::string>> versions_;  ///< request -> version -> annotator
};

}  // namespace

ImportRejected::ImportRejected(ImportReport report)
    : Error(ErrorCode::kUnprocessable, Message(report)), report_(std::move(report)) {}

nlohmann::json ToJson(const LabelImport& import) { return fields::ToJson<LabelJsonCodec>(import); }

nlohmann::json ToJson(const Label& label) { return fields::ToJson<LabelJsonCodec>(label); }

nlohmann::json ToJson(const ImportReport& report) {
  nlohmann::json json = ToJson(report.summary);
  if (!report.changed) json["id"] = nullptr;
  json["changed"] = report.changed;
  json["lines"] = nlohmann::json::array();
  for (const ReportLine& line : report.lines) {
    json["lines"].push_back({{"task", line.task},
                             {"line", line.line},
                             {"request_id", line.request_id},
                             {"kind", line.kind},
                             {"message", line.message}});
  }
  return json;
}

ImportReport ImportLabels(LabelStore& labels, requests::RequestStore& requests, const Importer& who, Source source,
                          std::istream& in, const std::string& file_sha256) {
  Collector collect(labels, requests, who, source);
  const TaskSink task = [&collect](ParsedTask&& t) { collect.Task(std::move(t)); };
  const ProblemSink problem = [&collect](TaskProblem&& p) { collect.Problem(std::move(p)); };
  ImportReport& report = collect.report;
  report.summary.tasks = source == Source::kCoco ? ParseCoco(in, task, problem) : ParseLabelStudio(in, task, problem);
  std::stable_sort(report.lines.begin(), report.lines.end(),
                   [](const ReportLine& a, const ReportLine& b) { return a.task < b.task; });
  report.summary.unknown =
      std::count_if(report.lines.begin(), report.lines.end(), [](const ReportLine& l) { return l.kind == "unknown"; });
  const auto now = std::chrono::system_clock::now();
  report.summary.created_by = who.user_id;
  report.summary.source = source;
  report.summary.file_sha256 = file_sha256;
  report.summary.created_at = now;
  if (std::any_of(report.lines.begin(), report.lines.end(), [](const ReportLine& l) { return l.kind == "invalid"; })) {
    throw ImportRejected(std::move(report));
  }
  // Distinct for two imports of one file (by time) and for two importers at one instant.
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  report.summary.id = "li_" + Sha256Hex(file_sha256 + who.user_id + std::to_string(nanos)).substr(0, 24);
  const CommitResult done = labels.Commit(report.summary, std::move(collect.labels_read_));
  report.summary.stored = done.stored;
  report.summary.unchanged = done.unchanged;
  report.changed = done.stored > 0;
  return report;
}

}  // namespace faceloop::labels
