#include "accounts/secrets.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "common/error.hpp"

namespace faceloop::accounts {
namespace {

constexpr std::size_t kIdBytes = 16;
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kUlidRandomBytes = 10;
constexpr std::size_t kApiKeyLength = kApiKeyPrefix.size() + kIdLength + 1 + kSecretLength;
// Crockford's base32 alphabet (no I, L, O, U): unambiguous to read aloud, and in ASCII order so that
// encoded ids sort like the numbers they encode.
constexpr std::string_view kBase32Lower = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::string_view kBase32Upper = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// 16 bytes as a 128-bit big-endian number in 26 base32 digits (the first holds the top 3 bits).
std::string EncodeBase32(const std::array<std::uint8_t, kIdBytes>& bytes, std::string_view alphabet) {
  std::string text(kIdLength, alphabet[0]);
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t position = text.size();
  for (std::size_t i = bytes.size(); i-- > 0;) {
    buffer |= static_cast<std::uint32_t>(bytes[i]) << bits;
    for (bits += 8; bits >= 5; bits -= 5, buffer >>= 5) text[--position] = alphabet[buffer & 31];
  }
  text[--position] = alphabet[buffer & 31];
  return text;
}

bool IsBase64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  return c == '-' ? 62 : 63;
}

/// Adds one to a big-endian number; false when it wraps around to zero.
bool Increment(std::vector<std::uint8_t>& number) {
  for (std::size_t i = number.size(); i-- > 0;) {
    if (++number[i] != 0) return true;
  }
  return false;
}

}  // namespace

std::string FormatApiKey(std::string_view id, std::string_view secret) {
  return std::string(kApiKeyPrefix) + std::string(id) + "_" + std::string(secret);
}

bool IsWellFormedSecret(std::string_view text) {
  // 43 characters carry 258 bits for 256: the last character's 2 low bits must be zero, so that
  // each secret has exactly one accepted spelling.
  return text.size() == kSecretLength && std::all_of(text.begin(), text.end(), IsBase64Url) &&
         Base64UrlValue(text.back()) % 4 == 0;
}

ParsedApiKey ParseApiKey(std::string_view raw_key) {
  const auto is_id_char = [](char c) { return kBase32Lower.find(c) != std::string_view::npos; };
  const std::size_t separator = kApiKeyPrefix.size() + kIdLength;
  if (raw_key.size() != kApiKeyLength || !raw_key.starts_with(kApiKeyPrefix) || raw_key[separator] != '_') {
    throw Error(ErrorCode::kUnauthenticated, "malformed API key");
  }
  const std::string_view id = raw_key.substr(kApiKeyPrefix.size(), kIdLength);
  const std::string_view secret = raw_key.substr(separator + 1);
  if (!std::all_of(id.begin(), id.end(), is_id_char) || !IsWellFormedSecret(secret)) {
    throw Error(ErrorCode::kUnauthenticated, "malformed API key");
  }
  return ParsedApiKey{std::string(id), std::string(secret)};
}

Crypto::Crypto(std::vector<std::uint8_t> pepper) : pepper_(std::move(pepper)) {
  if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "libsodium initialization failed");
  if (pepper_.size() != kPepperBytes) {
    throw Error(ErrorCode::kInternal, "secret pepper must be " + std::to_string(kPepperBytes) + " bytes");
  }
}

Crypto::~Crypto() { sodium_memzero(pepper_.data(), pepper_.size()); }

std::vector<std::uint8_t> Crypto::GeneratePepper() {
  // Static, so it may run before any Crypto exists; sodium_init is idempotent and thread-safe.
  if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "libsodium initialization failed");
  std::vector<std::uint8_t> pepper(kPepperBytes);
  randombytes_buf(pepper.data(), pepper.size());
  return pepper;
}

// Members, not static: randomness is only there once the constructor has run sodium_init().
// NOLINTNEXTLINE(readability-convert-member-functions-to-static)
std::vector<std::uint8_t> Crypto::RandomBytes(std::size_t count) const {
  std::vector<std::uint8_t> bytes(count);
  randombytes_buf(bytes.data(), bytes.size());
  return bytes;
}

// NOLINTNEXTLINE(readability-convert-member-functions-to-static): as RandomBytes
std::string Crypto::NewId() const {
  std::array<std::uint8_t, kIdBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return EncodeBase32(bytes, kBase32Lower);
}

std::string Crypto::NewTimeOrderedId(std::chrono::system_clock::time_point now) const {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::uint64_t ms = static_cast<std::uint64_t>(std::max<std::int64_t>(millis, 0)) & 0xFFFF'FFFF'FFFFu;
  std::array<std::uint8_t, kIdBytes> bytes{};
  {
    const std::lock_guard lock(ulid_mutex_);
    const bool same_ms = !last_ulid_random_.empty() && ms == last_ulid_ms_;
    if (!same_ms || !Increment(last_ulid_random_)) {
      // A new millisecond, or (astronomically rarely) 2^80 ids in one: borrow the next millisecond.
      if (same_ms) ++ms;
      last_ulid_random_ = RandomBytes(kUlidRandomBytes);
    }
    last_ulid_ms_ = ms;
    std::copy(last_ulid_random_.begin(), last_ulid_random_.end(), bytes.begin() + 6);
  }
  for (int i = 0; i < 6; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  return EncodeBase32(bytes, kBase32Upper);
}

std::string Crypto::NewSecret() const {
  std::vector<std::uint8_t> bytes = RandomBytes(kSecretBytes);
  std::array<char, sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)> text{};
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes.data(), bytes.size());
  return {text.data()};
}

std::vector<std::uint8_t> Crypto::Hash(std::string_view secret) const {
  std::vector<std::uint8_t> hash(kSecretHashBytes);
  crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                     pepper_.data(), pepper_.size());
  return hash;
}

bool Crypto::Verify(std::string_view secret, const std::vector<std::uint8_t>& expected) const {
  const std::vector<std::uint8_t> actual = Hash(secret);
  return expected.size() == actual.size() && sodium_memcmp(actual.data(), expected.data(), actual.size()) == 0;
}

}  // namespace faceloop::accounts
