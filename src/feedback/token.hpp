#pragma once
// Signed one-time feedback tokens: what the links of the rating e-mail carry instead of an API key.
//
// Format: "flfb_" + unpadded base64url of
//   version (1 byte, 1) | token id (16 random bytes) | expiry (8 bytes, big-endian Unix seconds) |
//   request id length (1 byte) | request id | user id length (1 byte) | user id |
//   HMAC-SHA256 of everything before it (32 bytes).
// The HMAC key is derived from the service pepper with libsodium's KDF under its own context
// ("flfdbk01"), so it is never the key that hashes API keys and sessions, and a token cannot stand
// in for either. A token is bound to one request and one user; it is one-time because the store
// remembers used token ids (feedback_tokens_used), not because the token changes.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace faceloop::feedback {

inline constexpr std::string_view kTokenPrefix = "flfb_";

/// What a signer's tokens are for: the KDF context of its key (8 characters; one per purpose, so a
/// token of one purpose never verifies as another's), the tokens' prefix and the noun of messages.
struct TokenPurpose {
  const char* kdf_context;
  std::string_view prefix;
  std::string_view noun;
};
/// The rating e-mail's feedback links: the subject is a request id.
inline constexpr TokenPurpose kFeedbackTokens{"flfdbk01", kTokenPrefix, "feedback"};
/// The rating e-mail's opt-out link (never one-time): the subject is the preference it turns off.
inline constexpr TokenPurpose kOptOutTokens{"flunsb01", "flun_", "opt-out"};

/// What a verified token says.
struct TokenClaims {
  std::string token_id;  ///< 32 hex characters
  std::string request_id;
  std::string user_id;
  std::chrono::system_clock::time_point expires_at;  ///< whole seconds
};

class TokenSigner {
 public:
  /// `pepper` is the service pepper (accounts/pepper.hpp), kPepperBytes long; only the derived
  /// key is kept.
  explicit TokenSigner(const std::vector<std::uint8_t>& pepper, const TokenPurpose& purpose = kFeedbackTokens);
  ~TokenSigner();
  TokenSigner(const TokenSigner&) = delete;
  TokenSigner& operator=(const TokenSigner&) = delete;

  /// A fresh token for `user_id`'s feedback on `request_id`, valid until `expires_at`. Ids longer
  /// than 255 bytes are refused (kBadRequest).
  std::string Mint(const std::string& request_id, const std::string& user_id,
                   std::chrono::system_clock::time_point expires_at) const;
  /// The claims of `token`. Throws Error(kUnauthenticated) for anything malformed, altered or
  /// signed with another key, and Error(kGone) for a genuine token past its expiry at `now`.
  TokenClaims Verify(std::string_view token, std::chrono::system_clock::time_point now) const;

 private:
  std::vector<std::uint8_t> key_;
  TokenPurpose purpose_;
};

}  // namespace faceloop::feedback
