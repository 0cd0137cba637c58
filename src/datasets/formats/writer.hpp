#pragma once
// One small interface for the dataset formats: the exporter hands each kept request to Add (its
// image already copied to `file_name` under the export's folder) and calls Finish once at the end.
// Writers stream to files under the folder: none holds more than one item in memory (COCO keeps
// its annotations in a side file until Finish joins them).
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "datasets/params.hpp"

namespace faceloop::datasets {

/// A predicted face in the pixels of the (EXIF-upright) image, as the detect answer has it.
struct ExportBox {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  double score = 0;
};

struct ExportItem {
  std::string request_id;
  std::string file_name;  ///< "images/<request_id>.<ext>", relative to the export's folder
  int width = 0;
  int height = 0;
  std::string model_version;
  std::vector<ExportBox> boxes;  ///< the model's predictions: pre-annotations, not ground truth
};

class IFormatWriter {
 public:
  IFormatWriter() = default;
  IFormatWriter(const IFormatWriter&) = delete;
  IFormatWriter& operator=(const IFormatWriter&) = delete;
  IFormatWriter(IFormatWriter&&) = delete;
  IFormatWriter& operator=(IFormatWriter&&) = delete;
  virtual ~IFormatWriter() = default;

  virtual void Add(const ExportItem& item) = 0;
  /// Completes the files; nothing may be added afterwards.
  virtual void Finish() = 0;
};

/// The writer of `format`, writing under `root` (an existing folder).
std::unique_ptr<IFormatWriter> MakeWriter(Format format, const std::filesystem::path& root);

/// A file written in one go; every failure is Error(kInternal) naming it.
class OutputFile {
 public:
  explicit OutputFile(std::filesystem::path path);
  void Write(std::string_view text);
  /// Flushes and closes; throws if any write failed.
  void Close();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

/// Each format's writer (one file each under formats/).
std::unique_ptr<IFormatWriter> MakeCocoWriter(const std::filesystem::path& root);
std::unique_ptr<IFormatWriter> MakeYoloWriter(const std::filesystem::path& root);
std::unique_ptr<IFormatWriter> MakeWiderWriter(const std::filesystem::path& root);
std::unique_ptr<IFormatWriter> MakeLabelStudioWriter(const std::filesystem::path& root);

}  // namespace faceloop::datasets
