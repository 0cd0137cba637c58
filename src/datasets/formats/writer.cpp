#include "datasets/formats/writer.hpp"

#include "common/error.hpp"

namespace faceloop::datasets {

OutputFile::OutputFile(std::filesystem::path path) : path_(std::move(path)) {
  std::filesystem::create_directories(path_.parent_path());
  out_.open(path_, std::ios::binary | std::ios::trunc);
  if (!out_) throw Error(ErrorCode::kInternal, "export: cannot create " + path_.string());
}

void OutputFile::Write(std::string_view text) {
  out_.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out_) throw Error(ErrorCode::kInternal, "export: cannot write " + path_.string());
}

void OutputFile::Close() {
  out_.flush();
  const bool ok = static_cast<bool>(out_);
  out_.close();
  if (!ok || out_.fail()) throw Error(ErrorCode::kInternal, "export: cannot write " + path_.string());
}

std::unique_ptr<IFormatWriter> MakeWriter(Format format, const std::filesystem::path& root) {
  switch (format) {
    case Format::kCoco: return MakeCocoWriter(root);
    case Format::kYolo: return MakeYoloWriter(root);
    case Format::kWider: return MakeWiderWriter(root);
    case Format::kLabelStudio: return MakeLabelStudioWriter(root);
  }
  throw Error(ErrorCode::kInternal, "export: no writer for this format");
}

}  // namespace faceloop::datasets
