#include "datasets/output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "backup/manifest.hpp"
#include "common/error.hpp"
#include "datasets/formats/writer.hpp"
#include "storage/file_util.hpp"
#include "storage/open_object_store.hpp"

namespace faceloop::datasets {
namespace fs = std::filesystem;
namespace {

bool IsS3(const std::string& to) { return to.starts_with("s3://"); }

fs::path MakeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "faceloop-export-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) storage::ThrowErrno("mkdtemp", pattern, errno);
  return pattern;
}

/// The staged files, as sorted relative paths (the manifest's order).
std::vector<std::string> StagedFiles(const fs::path& root) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.push_back(entry.path().lexically_relative(root).generic_string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// One syncfs for the whole staging folder's file system: cheaper than an fsync per image.
void SyncTree(const fs::path& root) {
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) storage::ThrowErrno("open", root, errno);
  const int rc = ::syncfs(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) storage::ThrowErrno("syncfs", root, error);
}

}  // namespace

void CheckDestination(const std::string& to) {
  if (to.empty()) throw Error(ErrorCode::kUnprocessable, "parameter to is required (a folder or s3://bucket/prefix)");
  if (IsS3(to)) return;
  std::error_code ec;
  if (fs::exists(to, ec) && (!fs::is_directory(to, ec) || !fs::is_empty(to, ec))) {
    throw Error(ErrorCode::kConflict, "parameter to: " + to + " exists and is not empty");
  }
}

ExportOutput::ExportOutput(std::string to, const std::string& export_id, EnvLookup env)
    : to_(std::move(to)), s3_(IsS3(to_)), env_(std::move(env)) {
  if (s3_) {
    stage_ = MakeTempDir();
    return;
  }
  const fs::path final_path = fs::absolute(fs::path(to_).lexically_normal());
  const fs::path name = final_path.has_filename() ? final_path.filename() : final_path.parent_path().filename();
  const fs::path parent = final_path.has_filename() ? final_path.parent_path() : final_path.parent_path().parent_path();
  fs::create_directories(parent);
  std::string hidden(".");  // appended, not `"." + ...`: GCC 12 warns falsely (-Wrestrict) on that
  hidden.append(name.string()).append(".partial-").append(export_id);
  stage_ = parent / hidden;
  fs::remove_all(stage_);
  fs::create_directories(stage_);
}

ExportOutput::~ExportOutput() {
  if (committed_ && !s3_) return;
  std::error_code ec;
  fs::remove_all(stage_, ec);  // best effort: a leftover hidden partial folder is never taken for an export
}

std::int64_t ExportOutput::Commit(const nlohmann::json& manifest) {
  // Streamed, one file's entry at a time: at 100 k images the manifest as one JSON value would be
  // the export's largest use of memory.
  const std::vector<std::string> staged = StagedFiles(stage_);
  OutputFile out(stage_ / std::string(kManifestName));
  out.Write("{");
  for (const auto& [key, value] : manifest.items()) {
    out.Write(nlohmann::json(key).dump());
    out.Write(":");
    out.Write(value.dump());
    out.Write(",\n");
  }
  out.Write("\"files\":[");
  for (std::size_t i = 0; i < staged.size(); ++i) {
    const auto entry = backup::HashFile(stage_ / staged[i], staged[i]);
    if (!entry) throw Error(ErrorCode::kInternal, "export: staged file vanished: " + staged[i]);
    out.Write(i == 0 ? "\n" : ",\n");
    out.Write(nlohmann::json{{"path", entry->path}, {"bytes", entry->bytes}, {"sha256", entry->sha256}}.dump());
  }
  out.Write("\n]}\n");
  out.Close();
  if (s3_) {
    const auto store = storage::OpenObjectStore(to_, env_);
    store->EnsureReady();
    for (const std::string& path : staged) {
      const auto bytes = storage::ReadWholeFile(stage_ / path);
      if (!bytes) throw Error(ErrorCode::kInternal, "export: staged file vanished: " + path);
      store->Put(path, *bytes);
    }
    store->Put(std::string(kManifestName), *storage::ReadWholeFile(stage_ / std::string(kManifestName)));
  } else {
    SyncTree(stage_);
    std::error_code ec;
    fs::remove(to_, ec);  // an empty folder given as the destination (checked by CheckDestination)
    fs::rename(stage_, to_);
    storage::SyncDir(fs::absolute(fs::path(to_)).parent_path());
  }
  committed_ = true;
  return static_cast<std::int64_t>(staged.size()) + 1;
}

}  // namespace faceloop::datasets
