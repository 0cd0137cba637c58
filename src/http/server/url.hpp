#pragma once
// Request targets: origin-form validation (RFC 9112 §3.2.1) and percent-decoding of path and query.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faceloop::http {

/// Decodes %XX escapes (and '+' as a space when `plus_as_space`, as forms encode queries).
/// nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space);

/// Whether `target` is origin-form: "/" path [ "?" query ], with only the characters RFC 3986 allows
/// there (no fragment, no raw spaces, controls or non-ASCII bytes). Escapes are checked separately.
bool IsOriginForm(std::string_view target);

struct DecodedTarget {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
};

/// Splits an origin-form target into its decoded path and query pairs ("a=1&b" -> (a, 1), (b, "");
/// empty pairs skipped). nullopt on bad percent-encoding, or an encoded NUL in the path.
std::optional<DecodedTarget> DecodeTarget(std::string_view target);

}  // namespace faceloop::http
