#pragma once
// Random ids, API keys, session tokens and peppered secret hashes (libsodium).
//
// API key format: "fl_<id>_<secret>" — <id> is the key's 26-char lowercase base32 row id (public, it
// selects the row), <secret> is 32 random bytes as unpadded base64url (43 chars, 256 bits). Session
// tokens are 32 random bytes as unpadded base64url. Only keyed BLAKE2b-256 hashes of secrets and
// tokens are stored; the key (pepper) lives outside the database, so a leaked database alone does
// not allow offline guessing, and the secrets have far too much entropy for guessing anyway.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace faceloop::accounts {

inline constexpr std::size_t kPepperBytes = 32;
inline constexpr std::size_t kSecretHashBytes = 32;
inline constexpr std::size_t kIdLength = 26;      // 16 random bytes in base32
inline constexpr std::size_t kSecretLength = 43;  // 32 random bytes in unpadded base64url
inline constexpr std::string_view kApiKeyPrefix = "fl_";

/// The two parts of an API key.
struct ParsedApiKey {
  std::string id;
  std::string secret;
};

/// "fl_<id>_<secret>".
std::string FormatApiKey(std::string_view id, std::string_view secret);
/// Splits a raw API key; throws kUnauthenticated for anything not exactly in the format (the message
/// never echoes the input).
ParsedApiKey ParseApiKey(std::string_view raw_key);
/// True for a string in the format of a session token or key secret (43 base64url characters).
bool IsWellFormedSecret(std::string_view text);

/// Owns the pepper and all randomness. Construct one at start-up and pass it down by reference;
/// it is thread-safe.
class Crypto {
 public:
  /// Initializes libsodium (throws kInternal if that fails) and keeps `pepper`, which must be
  /// kPepperBytes long (kInternal otherwise): it comes from configuration, or from GeneratePepper()
  /// once, persisted by the caller. Changing it invalidates every stored key and session.
  explicit Crypto(std::vector<std::uint8_t> pepper);
  ~Crypto();
  Crypto(const Crypto&) = delete;
  Crypto& operator=(const Crypto&) = delete;
  Crypto(Crypto&&) = delete;
  Crypto& operator=(Crypto&&) = delete;

  /// A fresh random pepper, for first start-up.
  static std::vector<std::uint8_t> GeneratePepper();

  /// `count` bytes from the OS CSPRNG.
  std::vector<std::uint8_t> RandomBytes(std::size_t count) const;
  /// 16 random bytes as 26 lowercase Crockford base32 characters (user, key and session ids).
  std::string NewId() const;
  /// ULID-style id: 48-bit Unix milliseconds + 80 random bits as 26 uppercase Crockford base32
  /// characters, so ids sort lexicographically by time. Within one millisecond ids from this object
  /// still increase (the random part is incremented), as in ULID's monotonic mode.
  std::string NewTimeOrderedId(std::chrono::system_clock::time_point now) const;
  std::string NewTimeOrderedId() const { return NewTimeOrderedId(std::chrono::system_clock::now()); }
  /// 32 random bytes as unpadded base64url (API key secrets, session tokens).
  std::string NewSecret() const;

  /// Keyed BLAKE2b-256 of `secret` with the pepper.
  std::vector<std::uint8_t> Hash(std::string_view secret) const;
  /// Whether `secret` hashes to `expected`, compared in constant time.
  bool Verify(std::string_view secret, const std::vector<std::uint8_t>& expected) const;

 private:
  std::vector<std::uint8_t> pepper_;
  mutable std::mutex ulid_mutex_;
  mutable std::uint64_t last_ulid_ms_ = 0;
  mutable std::vector<std::uint8_t> last_ulid_random_;
};

}  // namespace faceloop::accounts
