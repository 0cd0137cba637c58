#include "cli/files.hpp"

#include <fstream>
#include <iterator>

#include "common/error.hpp"

namespace faceloop::cli {

std::vector<std::uint8_t> ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kNotFound, "cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace faceloop::cli
