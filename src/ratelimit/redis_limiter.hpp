#pragma once
// Rate limits exact across every `serve` process that shares one Redis: each bucket is a Redis
// hash updated by one atomic Lua script that reads Redis's own clock (no clock skew between
// processes). While Redis is unreachable the process falls back to its own buckets, so an outage
// of the limiter never becomes an outage of the API.
#include <memory>
#include <string>

#include "ratelimit/limiter.hpp"

namespace faceloop::ratelimit {

/// `url`: redis://host:port[/db]. Connects lazily; never throws from Take. Throws
/// Error(kBadRequest) for a URL it cannot read.
std::unique_ptr<IRateLimiter> MakeRedisLimiter(const std::string& url, std::string key_prefix = "faceloop:rl:");

}  // namespace faceloop::ratelimit
