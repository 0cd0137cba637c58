#pragma once
// Numbers in query strings and other text from requests, read the same strict way everywhere.
#include <optional>
#include <string_view>

namespace faceloop {

/// `text` as a finite decimal number ("0.5", "-2", "1e-3"); nullopt for anything else: empty,
/// leading spaces or '+', hexadecimal ("0x10"), "nan", "inf", or a value beyond a double
/// ("1e309"). strtod, which took all of those, is what this replaces (OWASP API4).
std::optional<double> ParseFiniteNumber(std::string_view text);

}  // namespace faceloop
