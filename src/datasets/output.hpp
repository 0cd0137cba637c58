#pragma once
// Where an export's files go: a local staging folder, then either renamed to the destination
// folder or uploaded to the S3 prefix; manifest.json (every file's size and sha256, the params
// and counts) always written last, so a destination without it is not a complete export.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "datasets/exporter.hpp"

namespace faceloop::datasets {

class ExportOutput {
 public:
  /// Picks the staging folder for `to`: "<parent>/.<name>.partial-<export_id>" for a folder, a
  /// fresh temporary folder for s3://.
  ExportOutput(std::string to, const std::string& export_id, EnvLookup env);
  ExportOutput(const ExportOutput&) = delete;
  ExportOutput& operator=(const ExportOutput&) = delete;
  ExportOutput(ExportOutput&&) = delete;
  ExportOutput& operator=(ExportOutput&&) = delete;
  /// Removes the staging folder unless Commit succeeded.
  ~ExportOutput();

  const std::filesystem::path& stage() const { return stage_; }

  /// Hashes every staged file, writes manifest.json = `manifest` + "files", and publishes: renames
  /// the folder (after syncing it) or uploads to S3 with the manifest last. Returns the file count.
  std::int64_t Commit(const nlohmann::json& manifest);

 private:
  std::string to_;
  bool s3_ = false;
  EnvLookup env_;
  std::filesystem::path stage_;
  bool committed_ = false;
};

}  // namespace faceloop::datasets
