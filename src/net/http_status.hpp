#pragma once
// What an HTTP status from a server we call means to our own callers: the one rule for every client
// of ours (S3, OpenSearch, webhooks), so that the same answer becomes the same faceloop::Error
// whichever backend gave it.
#include <string>

#include "common/error.hpp"

namespace faceloop::net {

/// 5xx and 408: kUnavailable (retry later). 429: kTooManyRequests. 413: kPayloadTooLarge (send
/// less). 404: kNotFound. 409: kConflict. Any other status, 401 and 403 (the server refused our
/// credentials) and 400/422 (it refused what we sent) included, is kInternal: our configuration or
/// our code is wrong, and neither the caller's own client nor waiting can fix it.
ErrorCode ErrorCodeForStatus(long status);

/// The statuses an idempotent request is sent again for: 408, 429, 500, 502, 503, 504.
bool IsRetryableStatus(long status);

/// Error(ErrorCodeForStatus(status), message).
Error StatusError(long status, const std::string& message);

}  // namespace faceloop::net
