#include "backup/manifest.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <span>

#include "common/error.hpp"
#include "storage/file_util.hpp"
#include "storage/local_object_store.hpp"

namespace faceloop::backup {
namespace {

std::string Hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < size; ++i) {
    text += kDigits[bytes[i] >> 4];
    text += kDigits[bytes[i] & 0xf];
  }
  return text;
}

}  // namespace

Manifest ParseManifest(const std::string& text) {
  Manifest manifest;
  try {
    nlohmann::json::parse(text).get_to(manifest);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kBadRequest, std::string("backup manifest: ") + e.what());
  }
  if (manifest.format != kManifestFormat) {
    throw Error(ErrorCode::kBadRequest, "backup manifest: format " + std::to_string(manifest.format) +
                                            " is not one this faceloop reads (" + std::to_string(kManifestFormat) +
                                            ")");
  }
  // A manifest names paths the restore writes to: each must stay inside the new data folder.
  for (const FileEntry& file : manifest.files) storage::ValidateKey(file.path);
  return manifest;
}

std::string Sha256Hex(const std::vector<std::uint8_t>& bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), bytes.data(), bytes.size());
  return Hex(digest.data(), digest.size());
}

namespace {

/// Reads `from` to its end, hashing it and writing it to `out` (-1: hash only).
FileEntry Stream(int in, int out, const std::filesystem::path& from, const std::filesystem::path& to,
                 const std::string& path) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  FileEntry entry{path, 0, ""};
  std::vector<std::uint8_t> buffer(1 << 20);
  for (;;) {
    const ssize_t got = ::read(in, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) storage::ThrowErrno("read", from, errno);
    if (got == 0) break;
    const auto size = static_cast<std::size_t>(got);
    if (out >= 0) storage::WriteAll(out, std::span(buffer.data(), size), to);
    crypto_hash_sha256_update(&state, buffer.data(), size);
    entry.bytes += size;
  }
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  entry.sha256 = Hex(digest.data(), digest.size());
  return entry;
}

/// The open file, or an invalid handle when it does not exist.
storage::UniqueFd OpenIfExists(const std::filesystem::path& from) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0 && errno != ENOENT) storage::ThrowErrno("open", from, errno);
  return storage::UniqueFd(in);
}

}  // namespace

std::optional<FileEntry> CopyFile(const std::filesystem::path& from, const std::filesystem::path& to,
                                  const std::string& path) {
  const storage::UniqueFd source = OpenIfExists(from);
  if (source.get() < 0) return std::nullopt;
  storage::CreateDirectories(to.parent_path());
  const storage::UniqueFd target = storage::OpenOrThrow(to, O_WRONLY | O_CREAT | O_EXCL, 0600);
  FileEntry entry = Stream(source.get(), target.get(), from, to, path);
  storage::SyncFd(target.get(), false, to);
  return entry;
}

std::optional<FileEntry> HashFile(const std::filesystem::path& file, const std::string& path) {
  const storage::UniqueFd source = OpenIfExists(file);
  if (source.get() < 0) return std::nullopt;
  return Stream(source.get(), -1, file, file, path);
}

}  // namespace faceloop::backup
