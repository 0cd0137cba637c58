#pragma once
// What the engine refuses in a request head on top of Beast's own parser. Beast 1.74 already refuses
// control bytes in field values (NUL, bare CR or LF, DEL), Content-Length together with chunked
// Transfer-Encoding, and differing Content-Length values; it accepts folded lines (joining them),
// repeated equal Content-Lengths ("5" twice, or "5, 5"), any request target made of printable bytes,
// and transfer codings it does not know. Every ambiguity about framing is a 400 here: a front proxy
// may read the message differently (request smuggling).
#include <optional>
#include <string>
#include <string_view>

#include "http/server/message.hpp"

namespace faceloop::http {

/// A request the engine answers itself with `status`; `detail` is safe to show the client.
struct ParseFailure {
  int status = 400;
  std::string detail;
};

/// Whether the raw head has a line starting with a space or tab: obsolete line folding (RFC 9112
/// §5.2), or whitespace between the request line and the first field (§2.2). Both are refused.
bool HasFoldedLine(std::string_view raw_head);

/// Checks a parsed head: `version` is 10 or 11 for HTTP/1.0 or 1.1 (Beast refuses others). Returns
/// the first problem: 400 for folded lines, a repeated or non-numeric Content-Length,
/// Transfer-Encoding with Content-Length, repeated or in HTTP/1.0, a missing or repeated Host in
/// HTTP/1.1, a target that is not origin-form; 501 for a transfer coding other than chunked; 417 for
/// an Expect other than 100-continue.
std::optional<ParseFailure> CheckHead(std::string_view raw_head, int version, std::string_view target,
                                      const Headers& headers);

}  // namespace faceloop::http
