#include "feedback/token.hpp"

#include <sodium.h>

#include <array>
#include <cstddef>

#include "common/error.hpp"

namespace faceloop::feedback {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kTokenIdBytes = 16;
constexpr std::size_t kMacBytes = crypto_auth_hmacsha256_BYTES;
constexpr std::uint64_t kKeyId = 1;
// Version, token id, expiry, two length bytes: the least a payload holds besides the ids.
constexpr std::size_t kFixedBytes = 1 + kTokenIdBytes + 8 + 1 + 1;

[[noreturn]] void Malformed(std::string_view noun) {
  throw Error(ErrorCode::kUnauthenticated, "invalid " + std::string(noun) + " token");
}

void AppendId(std::vector<std::uint8_t>& out, const std::string& id) {
  if (id.empty() || id.size() > 255) throw Error(ErrorCode::kBadRequest, "feedback token: ids must be 1..255 bytes");
  out.push_back(static_cast<std::uint8_t>(id.size()));
  out.insert(out.end(), id.begin(), id.end());
}

/// Reads a length-prefixed id at `at`; Malformed() when it does not fit in `payload`.
std::string ReadId(const std::vector<std::uint8_t>& payload, std::size_t& at, std::string_view noun) {
  if (at >= payload.size()) Malformed(noun);
  const std::size_t size = payload[at++];
  if (size == 0 || at + size > payload.size()) Malformed(noun);
  std::string id(payload.begin() + static_cast<std::ptrdiff_t>(at),
                 payload.begin() + static_cast<std::ptrdiff_t>(at + size));
  at += size;
  return id;
}

std::string Base64Url(const std::vector<std::uint8_t>& bytes) {
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(text.find('\0'));
  return text;
}

std::vector<std::uint8_t> FromBase64Url(std::string_view text, std::string_view noun) {
  if (text.empty()) Malformed(noun);  // libsodium's arguments are declared non-null (found by feedback_fuzzer)
  std::vector<std::uint8_t> bytes(text.size());
  std::size_t size = 0;
  const char* end = nullptr;
  if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &size, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    Malformed(noun);
  }
  bytes.resize(size);
  return bytes;
}

std::string Hex(const std::uint8_t* bytes, std::size_t size) {
  std::string text(size * 2 + 1, '\0');
  sodium_bin2hex(text.data(), text.size(), bytes, size);
  text.pop_back();
  return text;
}

}  // namespace

TokenSigner::TokenSigner(const std::vector<std::uint8_t>& pepper, const TokenPurpose& purpose)
    : key_(crypto_auth_hmacsha256_KEYBYTES), purpose_(purpose) {
  if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "libsodium initialization failed");
  if (pepper.size() != crypto_kdf_KEYBYTES) throw Error(ErrorCode::kInternal, "tokens: pepper of wrong size");
  if (std::string_view(purpose.kdf_context).size() != crypto_kdf_CONTEXTBYTES) {
    throw Error(ErrorCode::kInternal, "tokens: a KDF context is 8 characters");
  }
  crypto_kdf_derive_from_key(key_.data(), key_.size(), kKeyId, purpose.kdf_context, pepper.data());
}

TokenSigner::~TokenSigner() { sodium_memzero(key_.data(), key_.size()); }

std::string TokenSigner::Mint(const std::string& request_id, const std::string& user_id,
                              std::chrono::system_clock::time_point expires_at) const {
  std::vector<std::uint8_t> payload{kVersion};
  std::array<std::uint8_t, kTokenIdBytes> token_id{};
  randombytes_buf(token_id.data(), token_id.size());
  payload.insert(payload.end(), token_id.begin(), token_id.end());
  const auto seconds = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(expires_at.time_since_epoch()).count());
  for (int shift = 56; shift >= 0; shift -= 8) payload.push_back(static_cast<std::uint8_t>(seconds >> shift));
  AppendId(payload, request_id);
  AppendId(payload, user_id);
  std::array<std::uint8_t, kMacBytes> mac{};
  crypto_auth_hmacsha256(mac.data(), payload.data(), payload.size(), key_.data());
  payload.insert(payload.end(), mac.begin(), mac.end());
  return std::string(purpose_.prefix) + Base64Url(payload);
}

TokenClaims TokenSigner::Verify(std::string_view token, std::chrono::system_clock::time_point now) const {
  if (!token.starts_with(purpose_.prefix) || token.size() > 1024) Malformed(purpose_.noun);
  std::vector<std::uint8_t> bytes = FromBase64Url(token.substr(purpose_.prefix.size()), purpose_.noun);
  if (bytes.size() < kFixedBytes + 2 + kMacBytes) Malformed(purpose_.noun);
  const std::size_t payload_size = bytes.size() - kMacBytes;
  // The MAC first: nothing of an unauthenticated token is read, its expiry included.
  if (crypto_auth_hmacsha256_verify(bytes.data() + payload_size, bytes.data(), payload_size, key_.data()) != 0) {
    Malformed(purpose_.noun);
  }
  bytes.resize(payload_size);
  if (bytes[0] != kVersion) Malformed(purpose_.noun);
  TokenClaims claims;
  claims.token_id = Hex(bytes.data() + 1, kTokenIdBytes);
  std::uint64_t seconds = 0;
  for (std::size_t i = 0; i < 8; ++i) seconds = (seconds << 8) | bytes[1 + kTokenIdBytes + i];
  claims.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(static_cast<std::int64_t>(seconds)));
  std::size_t at = 1 + kTokenIdBytes + 8;
  claims.request_id = ReadId(bytes, at, purpose_.noun);
  claims.user_id = ReadId(bytes, at, purpose_.noun);
  if (at != bytes.size()) Malformed(purpose_.noun);
  if (now >= claims.expires_at) {
    throw Error(ErrorCode::kGone, "this " + std::string(purpose_.noun) + " link has expired");
  }
  return claims;
}

}  // namespace faceloop::feedback
