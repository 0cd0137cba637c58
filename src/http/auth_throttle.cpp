#include "http/auth_throttle.hpp"

#include <arpa/inet.h>

#include <array>
#include <cmath>
#include <cstring>

#include "accounts/secrets.hpp"
#include "http/quotas.hpp"

namespace faceloop::http {
namespace {

/// Whether the bucket is empty, without taking from it: a zero-cost Take refills and reports.
bool IsEmpty(ratelimit::IRateLimiter& limiter, const ratelimit::Quota& quota, const std::string& bucket,
             ratelimit::Decision& decision) {
  if (quota.limit <= 0 || bucket.empty()) return false;
  decision = limiter.Take(quota, bucket, 0);
  if (decision.remaining >= 1) return false;
  // The limiter reports whole tokens; the exact level follows from the time to refill.
  const double tokens = quota.limit - decision.reset_s * quota.PerSecond();
  decision.allowed = false;
  decision.retry_after_s = std::max(0.0, (1 - tokens) / quota.PerSecond());
  return true;
}

}  // namespace

std::string ClientBucket(std::string_view address) {
  std::string text(address);  // not const: returned by move
  std::array<unsigned char, 16> bytes{};
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (::inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) return text;
  std::memset(bytes.data() + 8, 0, 8);
  return ::inet_ntop(AF_INET6, bytes.data(), out.data(), out.size()) ? std::string(out.data()) + "/64" : text;
}

std::string KeyIdOf(std::string_view secret) {
  const std::size_t prefix = accounts::kApiKeyPrefix.size();
  if (!secret.starts_with(accounts::kApiKeyPrefix) || secret.size() <= prefix + accounts::kIdLength ||
      secret[prefix + accounts::kIdLength] != '_') {
    return {};
  }
  const std::string_view id = secret.substr(prefix, accounts::kIdLength);
  for (const char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return {};
  }
  return std::string(id);
}

void AuthThrottle::BeforeVerify(const accounts::Credentials& credentials) {
  const std::string client = ClientBucket(credentials.client);
  ratelimit::Decision decision;
  if (recent_.Recent(client) && IsEmpty(limiter_, quotas_.per_client, client, decision)) {
    Refuse(quotas_.per_client, decision, "from this address");
  }
  const std::string key_id = KeyIdOf(credentials.secret);
  if (recent_.Recent(key_id) && IsEmpty(limiter_, quotas_.per_key, key_id, decision)) {
    Refuse(quotas_.per_key, decision, "for this key");
  }
}

void AuthThrottle::Refuse(const ratelimit::Quota& quota, const ratelimit::Decision& decision, const char* whose) {
  if (refused_ != nullptr) refused_->Add();
  throw ErrorWithHeaders(ErrorCode::kTooManyRequests,
                         std::string("too many failed authentication attempts ") + whose + "; retry later",
                         ratelimit::RateLimitHeaders(quota, decision));
}

void AuthThrottle::Failed(const accounts::Credentials& credentials) {
  const std::string client = ClientBucket(credentials.client);
  if (quotas_.per_client.limit > 0 && !client.empty()) {
    recent_.Mark(client);
    limiter_.Take(quotas_.per_client, client);
  }
  const std::string key_id = KeyIdOf(credentials.secret);
  if (quotas_.per_key.limit > 0 && !key_id.empty()) {
    recent_.Mark(key_id);
    limiter_.Take(quotas_.per_key, key_id);
  }
}

}  // namespace faceloop::http
