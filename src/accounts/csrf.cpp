#include "accounts/csrf.hpp"

#include <sodium.h>

#include <array>

#include "common/error.hpp"

namespace faceloop::accounts {
namespace {

// Domain separation: the same keyed hash over the bare token is what the sessions table stores,
// so the CSRF token must never equal it (a leaked table would otherwise hand out CSRF tokens).
constexpr std::string_view kCsrfContext = "faceloop-csrf-v1:";

}  // namespace

std::string CsrfToken(const Crypto& crypto, std::string_view session_token) {
  const std::vector<std::uint8_t> hash = crypto.Hash(std::string(kCsrfContext) + std::string(session_token));
  std::array<char, sodium_base64_ENCODED_LEN(kSecretHashBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)> text{};
  sodium_bin2base64(text.data(), text.size(), hash.data(), hash.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return {text.data()};
}

void CheckCsrf(const Crypto& crypto, const Credentials& credentials) {
  if (!credentials.csrf_required) return;
  const std::string expected = CsrfToken(crypto, credentials.secret);
  const std::string& given = credentials.csrf_token;
  if (given.size() != expected.size() || sodium_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    throw Error(ErrorCode::kForbidden,
                "X-CSRF-Token header missing or wrong: a request that changes something and authenticates with "
                "the session cookie must carry the session's CSRF token");
  }
}

}  // namespace faceloop::accounts
