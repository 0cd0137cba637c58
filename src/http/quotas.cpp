#include "http/quotas.hpp"

namespace faceloop::http {

std::vector<std::pair<std::string, std::string>> KeyQuotas::Charge(const accounts::Principal& who, double cost) {
  const ratelimit::Quota& quota = who.role == accounts::Role::kAdmin     ? quotas_.admin
                                  : who.role == accounts::Role::kAnalyst ? quotas_.analyst
                                                                         : quotas_.user;
  if (quota.limit <= 0) return {};
  // Per key: each of a user's keys (an app, a script) has its own budget. Sessions per session.
  const std::string bucket = !who.key_id.empty() ? "key:" + who.key_id : "session:" + who.session_id;
  const ratelimit::Decision decision = limiter_.Take(quota, bucket, cost);
  auto headers = ratelimit::RateLimitHeaders(quota, decision);
  if (!decision.allowed) {
    throw ErrorWithHeaders(ErrorCode::kTooManyRequests,
                           "this key's quota of " + std::to_string(static_cast<long long>(quota.limit)) +
                               " requests per " + std::to_string(quota.window.count()) + " s is used up",
                           std::move(headers));
  }
  return headers;
}

void ChargeOrRefuse(ratelimit::IRateLimiter& limiter, const ratelimit::Quota& quota, const std::string& key,
                    const std::string& refusal) {
  const ratelimit::Decision decision = limiter.Take(quota, key);
  if (!decision.allowed) {
    throw ErrorWithHeaders(ErrorCode::kTooManyRequests, refusal, ratelimit::RateLimitHeaders(quota, decision));
  }
}

void AddHeaders(Response& response, const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) response.headers.Set(name, value);
}

}  // namespace faceloop::http
