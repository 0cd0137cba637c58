#include "datasets/archive.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "common/error.hpp"

namespace faceloop::datasets {
namespace fs = std::filesystem;
namespace {

constexpr std::uint64_t kBlock = 512;

std::uint64_t Padding(std::uint64_t bytes) { return (kBlock - bytes % kBlock) % kBlock; }

/// An octal field of `width` bytes: digits, then NUL.
void Octal(char* field, std::size_t width, std::uint64_t value) {
  (void)std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), static_cast<unsigned long long>(value));
}

}  // namespace

TarStream::TarStream(fs::path root, std::string top) : root_(std::move(root)), top_(std::move(top)) {
  for (const auto& entry : fs::recursive_directory_iterator(root_)) {
    if (!entry.is_regular_file()) continue;
    entries_.push_back({top_ + "/" + entry.path().lexically_relative(root_).generic_string(), entry.file_size()});
  }
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  for (const Entry& e : entries_) size_ += kBlock + e.bytes + Padding(e.bytes);
  size_ += 2 * kBlock;  // the end-of-archive marker
}

std::string TarStream::Header(const Entry& entry) const {
  std::string block(kBlock, '\0');
  // ustar: up to 100 characters in name, the leading folders of a longer one in prefix (155).
  std::string name = entry.name;
  std::string prefix;
  if (name.size() > 100) {
    // The first '/' that leaves at most 100 characters after it.
    const auto at = name.find('/', name.size() - 101);
    if (at == std::string::npos || at > 155) throw Error(ErrorCode::kInternal, "archive: path too long: " + name);
    prefix = name.substr(0, at);
    name = name.substr(at + 1);
  }
  std::memcpy(block.data(), name.data(), name.size());
  Octal(block.data() + 100, 8, 0644);
  Octal(block.data() + 108, 8, 0);
  Octal(block.data() + 116, 8, 0);
  Octal(block.data() + 124, 12, entry.bytes);
  Octal(block.data() + 136, 12, 0);
  block[156] = '0';
  std::memcpy(block.data() + 257, "ustar", 6);
  std::memcpy(block.data() + 263, "00", 2);
  std::memcpy(block.data() + 345, prefix.data(), prefix.size());
  // The checksum counts its own field as spaces.
  std::memset(block.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (const char c : block) sum += static_cast<unsigned char>(c);
  (void)std::snprintf(block.data() + 148, 8, "%06o", sum);
  block[155] = ' ';
  return block;
}

std::size_t TarStream::Read(char* out, std::size_t capacity) {
  std::size_t written = 0;
  while (written < capacity) {
    if (pending_at_ < pending_.size()) {
      const std::size_t n = std::min(capacity - written, pending_.size() - pending_at_);
      std::memcpy(out + written, pending_.data() + pending_at_, n);
      pending_at_ += n;
      written += n;
      continue;
    }
    if (file_left_ > 0) {
      const auto n = static_cast<std::streamsize>(std::min<std::uint64_t>(capacity - written, file_left_));
      file_.read(out + written, n);
      if (file_.gcount() != n) throw Error(ErrorCode::kInternal, "archive: a file of the export shrank");
      file_left_ -= static_cast<std::uint64_t>(n);
      written += static_cast<std::size_t>(n);
      if (file_left_ == 0) {
        file_.close();
        pending_.assign(padding_, '\0');
        pending_at_ = 0;
      }
      continue;
    }
    if (next_ < entries_.size()) {
      const Entry& entry = entries_[next_++];
      file_.open(root_ / fs::path(entry.name.substr(top_.size() + 1)), std::ios::binary);
      if (!file_) throw Error(ErrorCode::kInternal, "archive: a file of the export vanished");
      file_left_ = entry.bytes;
      padding_ = Padding(entry.bytes);
      pending_ = Header(entry);
      pending_at_ = 0;
      if (entry.bytes == 0) file_.close();
      continue;
    }
    if (ended_) break;
    ended_ = true;
    pending_.assign(2 * kBlock, '\0');
    pending_at_ = 0;
  }
  return written;
}

}  // namespace faceloop::datasets
