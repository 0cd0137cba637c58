#pragma once
// On-disk format of the record spool (internal to faceloop_events).
//
// A segment file "NNNNNN.log" is a sequence of frames:
//   u32 payload length | u32 CRC32 | u64 append time (Unix ms) | payload
// little-endian; the CRC (zlib's crc32) covers the length, the time and the payload, so a torn or
// bit-flipped frame is detected and recovery can cut the segment at the last good frame.
// The length's top bit marks an attachment frame (a request's input image): it belongs to the
// record frame right after it, written with it in one write. Attachments are not records: they
// have no sequence number, and a segment never ends with one (recovery cuts an attachment whose
// record was torn, so it cannot attach itself to the next record appended).
// A consumer's file "cursor[.name]" holds its acked SpoolCursor in two 128-byte text slots, each
// "version segment offset sequence crc32" padded with spaces and ending in '\n'. A save overwrites
// the older slot in place and fdatasyncs it: no new inode, rename or folder sync per ack (on ext4
// without a journal every inode freed in the last 30 s slows each file creation down, and a
// rename over the old cursor freed one per ack). A torn slot fails its CRC and the other, the
// previous save, is loaded: the consumer re-ships a little (at-least-once). Versions before this
// one wrote one line "segment offset sequence\n" by temp + fsync + rename; it still loads.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "events/spool.hpp"
#include "storage/unique_fd.hpp"

namespace faceloop::events::spool_format {

constexpr std::size_t kHeaderBytes = 16;
/// Frames longer than this are treated as corrupt whatever the spool's configured record limit, so a
/// lower limit after a restart never truncates records written under a higher one.
constexpr std::uint32_t kMaxPayloadBytes = 64u << 20;

/// Appends to `out` the frame of `payload`: an attachment frame when `attachment` is set.
void AppendFrame(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> payload, std::uint64_t append_unix_ms,
                 bool attachment);

struct Frame {
  std::string payload;
  std::uint64_t append_unix_ms = 0;
  std::uint64_t next_offset = 0;  ///< where the following frame starts
  bool attachment = false;        ///< an attachment of the record frame that follows
};

/// How much of a frame ReadFrame reads.
enum class FrameRead {
  kWhole,           ///< the payload too, CRC-checked
  kHeader,          ///< only the header (no CRC check)
  kSkipAttachment,  ///< the payload of a record frame; only the header of an attachment frame
};

/// The frame at `offset` if a whole, CRC-valid frame ends at or before `limit`; nullopt otherwise.
/// A frame read without its payload is not CRC-checked.
std::optional<Frame> ReadFrame(int fd, const std::filesystem::path& path, std::uint64_t offset, std::uint64_t limit,
                               FrameRead read = FrameRead::kWhole);

struct ScanResult {
  std::uint64_t valid_bytes = 0;   ///< end of the last good record frame
  std::uint64_t records_from = 0;  ///< good frames starting at or after the `count_from` offset
};
/// Walks a segment from its start to the first bad or partial frame; an attachment frame is valid
/// only with the record frame after it.
ScanResult ScanSegment(int fd, const std::filesystem::path& path, std::uint64_t file_size, std::uint64_t count_from);

std::string SegmentName(std::uint64_t id);
/// The id of a "NNNNNN.log" name, nullopt for anything else.
std::optional<std::uint64_t> ParseSegmentName(std::string_view name);
/// Segment ids present in `dir`, ascending.
std::vector<std::uint64_t> ListSegments(const std::filesystem::path& dir);

constexpr std::size_t kCursorSlotBytes = 128;

/// The cursor saved at `path`, nullopt when there is none; Error(kInternal) when it is unreadable.
std::optional<SpoolCursor> LoadCursor(const std::filesystem::path& path);

/// One consumer's cursor file, kept open between saves. One thread at a time.
class CursorFile {
 public:
  /// Reads the saved cursor (as LoadCursor) and the slot the next save goes to.
  explicit CursorFile(std::filesystem::path path);
  /// The cursor the file held when opened; nullopt when there was none.
  const std::optional<SpoolCursor>& saved() const { return saved_; }
  /// Durable on return. The first save of a missing or old-format file replaces it whole
  /// (temp + fsync + rename + folder fsync); later ones overwrite a slot and fdatasync.
  void Save(const SpoolCursor& cursor);

 private:
  std::filesystem::path path_;
  storage::UniqueFd fd_;       ///< open once the file has slots
  std::uint64_t version_ = 0;  ///< of the newest valid slot
  std::optional<SpoolCursor> saved_;
};

}  // namespace faceloop::events::spool_format
