#include "events/spool_format.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

#include "common/error.hpp"
#include "storage/file_util.hpp"

namespace faceloop::events::spool_format {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kAttachmentBit = 1u << 31;

void PutLe(std::uint8_t* out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint64_t GetLe(const std::uint8_t* in, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value |= static_cast<std::uint64_t>(in[i]) << (8 * i);
  return value;
}

// CRC over length + time (header bytes 0-3 and 8-15) and the payload.
std::uint32_t FrameCrc(const std::uint8_t* header, const void* payload, std::size_t size) {
  uLong crc = ::crc32(0L, nullptr, 0);
  crc = ::crc32(crc, header, 4);
  crc = ::crc32(crc, header + 8, 8);
  crc = ::crc32_z(crc, static_cast<const Bytef*>(payload), size);
  return static_cast<std::uint32_t>(crc);
}

}  // namespace

std::vector<std::uint8_t> EncodeFrame(std::string_view payload, std::uint64_t append_unix_ms) {
  std::vector<std::uint8_t> frame;
  AppendFrame(frame, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, append_unix_ms, false);
  return frame;
}

void AppendFrame(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> payload, std::uint64_t append_unix_ms,
                 bool attachment) {
  const std::size_t start = out.size();
  out.resize(start + kHeaderBytes + payload.size());
  std::uint8_t* header = out.data() + start;
  PutLe(header, payload.size() | (attachment ? kAttachmentBit : 0), 4);
  PutLe(header + 8, append_unix_ms, 8);
  std::copy(payload.begin(), payload.end(), header + kHeaderBytes);
  PutLe(header + 4, FrameCrc(header, payload.data(), payload.size()), 4);
}

std::optional<Frame> ReadFrame(int fd, const fs::path& path, std::uint64_t offset, std::uint64_t limit,
                               bool header_only) {
  std::array<std::uint8_t, kHeaderBytes> header{};
  if (offset + kHeaderBytes > limit) return std::nullopt;
  if (!storage::PreadExact(fd, header, static_cast<off_t>(offset), path)) return std::nullopt;
  const auto length_field = static_cast<std::uint32_t>(GetLe(header.data(), 4));
  const std::uint32_t length = length_field & ~kAttachmentBit;
  const std::uint64_t end = offset + kHeaderBytes + length;
  if (length > kMaxPayloadBytes || end > limit) return std::nullopt;
  Frame frame;
  frame.append_unix_ms = GetLe(header.data() + 8, 8);
  frame.next_offset = end;
  frame.attachment = (length_field & kAttachmentBit) != 0;
  if (header_only) return frame;
  frame.payload.resize(length);
  std::span<std::uint8_t> payload(reinterpret_cast<std::uint8_t*>(frame.payload.data()), length);
  if (!storage::PreadExact(fd, payload, static_cast<off_t>(offset + kHeaderBytes), path)) return std::nullopt;
  if (FrameCrc(header.data(), payload.data(), length) != GetLe(header.data() + 4, 4)) return std::nullopt;
  return frame;
}

ScanResult ScanSegment(int fd, const fs::path& path, std::uint64_t file_size, std::uint64_t count_from) {
  ScanResult result;
  std::uint64_t offset = 0;
  while (auto frame = ReadFrame(fd, path, offset, file_size)) {
    offset = frame->next_offset;
    if (frame->attachment) continue;  // counted valid with its record
    if (result.valid_bytes >= count_from) ++result.records_from;
    result.valid_bytes = offset;
  }
  return result;
}

std::string SegmentName(std::uint64_t id) {
  char name[32];
  static_cast<void>(std::snprintf(name, sizeof(name), "%06llu.log", static_cast<unsigned long long>(id)));
  return name;
}

std::optional<std::uint64_t> ParseSegmentName(std::string_view name) {
  if (name.size() < 10 || !name.ends_with(".log")) return std::nullopt;
  const std::string_view digits = name.substr(0, name.size() - 4);
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size() || id == 0) return std::nullopt;
  return id;
}

std::vector<std::uint64_t> ListSegments(const fs::path& dir) {
  std::vector<std::uint64_t> ids;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    if (auto id = ParseSegmentName(entry.path().filename().string())) ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

namespace {

// "segment offset sequence\n", as SaveCursor writes it.
std::optional<SpoolCursor> ParseCursor(std::string_view text) {
  std::uint64_t fields[3] = {};
  const char* pos = text.data();
  const char* const end = text.data() + text.size();
  for (std::uint64_t& field : fields) {
    const auto [next, ec] = std::from_chars(pos, end, field);
    if (ec != std::errc() || next == end || (*next != ' ' && *next != '\n')) return std::nullopt;
    pos = next + 1;
  }
  if (pos != end) return std::nullopt;
  return SpoolCursor{fields[0], fields[1], fields[2]};
}

}  // namespace

std::optional<SpoolCursor> LoadCursor(const fs::path& path) {
  const auto bytes = storage::ReadWholeFile(path);
  if (!bytes) return std::nullopt;
  const auto cursor = ParseCursor(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  // Written by temp + fsync + rename, so a bad file means damage, not a crash: refuse to guess.
  if (!cursor) throw Error(ErrorCode::kInternal, "corrupt spool cursor file " + path.string());
  return cursor;
}

void SaveCursor(const fs::path& path, const SpoolCursor& cursor) {
  char text[96];
  const int n =
      std::snprintf(text, sizeof(text), "%llu %llu %llu\n", static_cast<unsigned long long>(cursor.segment),
                    static_cast<unsigned long long>(cursor.offset), static_cast<unsigned long long>(cursor.sequence));
  storage::WriteFileDurably(path, std::span(reinterpret_cast<const std::uint8_t*>(text), static_cast<std::size_t>(n)));
}

}  // namespace faceloop::events::spool_format
