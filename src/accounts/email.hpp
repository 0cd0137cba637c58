#pragma once
// Email address normalization for sign-up and lookup.
#include <cstddef>
#include <string>
#include <string_view>

namespace faceloop::accounts {

inline constexpr std::size_t kMaxEmailLength = 254;

/// Trims ASCII whitespace, lowercases, and checks a simple RFC 5322 subset: ASCII only, one '@',
/// a dot-atom local part of at most 64 characters, and a domain of at least two dot-separated
/// labels (letters, digits, inner hyphens, at most 63 characters each), at most 254 in all.
/// Lowercasing the local part is technically lossy but makes uniqueness case-insensitive, which is
/// what users expect. Throws kUnprocessable when the address does not qualify.
std::string NormalizeEmail(std::string_view email);

}  // namespace faceloop::accounts
