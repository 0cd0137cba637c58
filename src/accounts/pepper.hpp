#pragma once
// The pepper: the secret key of the keyed hashes of API keys and session tokens. Processes that
// share a database must share it (FACELOOP_PEPPER_FILE), or each other's keys fail.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace faceloop::accounts {

/// The pepper at `path`; on first start 32 random bytes are written there (mode 0600) first.
std::vector<std::uint8_t> LoadOrCreatePepper(const std::filesystem::path& path);

}  // namespace faceloop::accounts
