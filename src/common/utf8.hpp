#pragma once
// Text taken from requests into records must be valid UTF-8: JSON, PostgreSQL and OpenSearch all
// refuse anything else, and a record that cannot be written is a lost record.
#include <cstddef>
#include <string>
#include <string_view>

namespace faceloop {

/// `text` with every byte that is not part of a valid UTF-8 sequence (RFC 3629: no overlongs, no
/// surrogates, nothing above U+10FFFF) and every NUL replaced by U+FFFD; cut to at most `max_bytes`
/// on a character boundary.
std::string ValidUtf8(std::string_view text, std::size_t max_bytes = 1024);

}  // namespace faceloop
