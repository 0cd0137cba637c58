#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

namespace faceloop::cli {

/// Whole file as bytes; throws faceloop::Error(kNotFound) when it cannot be read.
std::vector<std::uint8_t> ReadFileBytes(const std::filesystem::path& path);

}  // namespace faceloop::cli
