#pragma once
// A folder export as a tar stream (POSIX ustar), read piece by piece: its size is known before the
// first byte (Content-Length), and only one file is open and one buffer filled at a time, so an
// archive of any size is produced in bounded memory.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace faceloop::datasets {

class TarStream {
 public:
  /// The regular files under `root`, sorted, each named "<top>/<relative path>" in the archive.
  TarStream(std::filesystem::path root, std::string top);

  /// Total bytes of the archive.
  std::uint64_t size() const { return size_; }
  /// Copies the next bytes (at most `capacity`) to `out`; 0 at the end. Throws Error(kInternal)
  /// when a file changed size or vanished since the listing.
  std::size_t Read(char* out, std::size_t capacity);

 private:
  struct Entry {
    std::string name;
    std::uint64_t bytes = 0;
  };
  std::string Header(const Entry& entry) const;

  std::filesystem::path root_;
  std::string top_;
  std::vector<Entry> entries_;
  std::uint64_t size_ = 0;
  // Where the reader is: the entry, and a pending piece (a header, padding, the end blocks).
  std::size_t next_ = 0;
  std::string pending_;
  std::size_t pending_at_ = 0;
  std::ifstream file_;
  std::uint64_t file_left_ = 0;
  std::uint64_t padding_ = 0;
  bool ended_ = false;
};

}  // namespace faceloop::datasets
