#include "events/spool_format.hpp"

#include <fcntl.h>
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
                               FrameRead read) {
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
  if (read == FrameRead::kHeader || (read == FrameRead::kSkipAttachment && frame.attachment)) return frame;
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

/// The text of a line: without its '\n' and the spaces before it; nullopt without the '\n'.
std::optional<std::string_view> LineText(std::string_view line) {
  if (line.empty() || line.back() != '\n') return std::nullopt;
  line.remove_suffix(1);
  while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  return line;
}

/// `kCount` unsigned numbers separated by single spaces (the last one in `last_base`) and nothing
/// else; nullopt for anything else.
template <std::size_t kCount>
std::optional<std::array<std::uint64_t, kCount>> ParseNumbers(std::string_view text, int last_base = 10) {
  std::array<std::uint64_t, kCount> fields{};
  const char* pos = text.data();
  const char* const end = text.data() + text.size();
  for (std::size_t i = 0; i < kCount; ++i) {
    if (i > 0) {
      if (pos == end || *pos != ' ') return std::nullopt;
      ++pos;
    }
    const auto [next, ec] = std::from_chars(pos, end, fields[i], i + 1 == kCount ? last_base : 10);
    if (ec != std::errc()) return std::nullopt;
    pos = next;
  }
  if (pos != end) return std::nullopt;
  return fields;
}

// "segment offset sequence\n": the one-line file of earlier versions.
std::optional<SpoolCursor> ParseLegacyCursor(std::string_view text) {
  const auto line = LineText(text);
  const auto fields = line ? ParseNumbers<3>(*line) : std::nullopt;
  if (!fields) return std::nullopt;
  return SpoolCursor{(*fields)[0], (*fields)[1], (*fields)[2]};
}

std::uint32_t SlotCrc(std::string_view numbers) {
  return static_cast<std::uint32_t>(
      ::crc32(::crc32(0L, nullptr, 0), reinterpret_cast<const Bytef*>(numbers.data()), numbers.size()));
}

struct Slot {
  std::uint64_t version = 0;
  SpoolCursor cursor;
};

std::string FormatSlot(const Slot& slot) {
  char numbers[96];
  const int n = std::snprintf(
      numbers, sizeof(numbers), "%llu %llu %llu %llu", static_cast<unsigned long long>(slot.version),
      static_cast<unsigned long long>(slot.cursor.segment), static_cast<unsigned long long>(slot.cursor.offset),
      static_cast<unsigned long long>(slot.cursor.sequence));
  std::string text(numbers, static_cast<std::size_t>(n));
  char crc[16];
  const int m = std::snprintf(crc, sizeof(crc), " %08x", SlotCrc(text));
  text.append(crc, static_cast<std::size_t>(m));
  text.resize(kCursorSlotBytes - 1, ' ');
  text.push_back('\n');
  return text;
}

std::optional<Slot> ParseSlot(std::string_view text) {
  const auto line = LineText(text);
  const auto fields = line ? ParseNumbers<5>(*line, 16) : std::nullopt;
  if (!fields) return std::nullopt;
  if (SlotCrc(line->substr(0, line->rfind(' '))) != (*fields)[4]) return std::nullopt;
  return Slot{(*fields)[0], SpoolCursor{(*fields)[1], (*fields)[2], (*fields)[3]}};
}

/// The newest valid slot of a slot file's bytes; nullopt when the bytes are not a slot file.
std::optional<Slot> NewestSlot(std::string_view bytes) {
  if (bytes.size() != 2 * kCursorSlotBytes) return std::nullopt;
  std::optional<Slot> newest;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto slot = ParseSlot(bytes.substr(i * kCursorSlotBytes, kCursorSlotBytes));
    if (slot && (!newest || slot->version > newest->version)) newest = slot;
  }
  return newest;
}

std::optional<std::string> ReadText(const fs::path& path) {
  const auto bytes = storage::ReadWholeFile(path);
  if (!bytes) return std::nullopt;
  return std::string(bytes->begin(), bytes->end());
}

/// The saved cursor of a file's text, with its slot version (0 for the one-line format).
Slot ParseCursorFile(const std::string& text, const fs::path& path) {
  if (const auto slot = NewestSlot(text)) return *slot;
  // One slot is always whole (each save syncs before the next overwrites the other), and the
  // old format was replaced atomically: anything else is damage, not a crash. Refuse to guess.
  const auto legacy = ParseLegacyCursor(text);
  if (!legacy) throw Error(ErrorCode::kInternal, "corrupt spool cursor file " + path.string());
  return Slot{0, *legacy};
}

}  // namespace

std::optional<SpoolCursor> LoadCursor(const fs::path& path) {
  const auto text = ReadText(path);
  if (!text) return std::nullopt;
  return ParseCursorFile(*text, path).cursor;
}

CursorFile::CursorFile(fs::path path) : path_(std::move(path)) {
  const auto text = ReadText(path_);
  if (!text) return;
  const Slot slot = ParseCursorFile(*text, path_);
  saved_ = slot.cursor;
  version_ = slot.version;
  if (version_ > 0) fd_ = storage::OpenOrThrow(path_, O_RDWR);  // a slot file: saves go in place
}

void CursorFile::Save(const SpoolCursor& cursor) {
  const Slot slot{version_ + 1, cursor};
  const std::string text = FormatSlot(slot);
  if (!fd_) {
    std::string file = text + std::string(kCursorSlotBytes - 1, ' ') + "\n";
    if (slot.version % 2 == 1) std::rotate(file.begin(), file.begin() + kCursorSlotBytes, file.end());
    storage::WriteFileDurably(path_, std::span(reinterpret_cast<const std::uint8_t*>(file.data()), file.size()));
    fd_ = storage::OpenOrThrow(path_, O_RDWR);
  } else {
    // The slot of the save before this one stays untouched: it is what a torn write falls back to.
    const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    storage::PwriteAll(fd_.get(), bytes, static_cast<off_t>((slot.version % 2) * kCursorSlotBytes), path_);
    storage::SyncFd(fd_.get(), true, path_);
  }
  version_ = slot.version;
}

}  // namespace faceloop::events::spool_format
