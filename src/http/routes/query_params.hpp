#pragma once
// Query parameters every listing route shares: one wording for a refused value and one `limit`.
#include <string>

#include "http/server/message.hpp"

namespace faceloop::http {

/// Throws Error(kUnprocessable): "query parameter NAME WHY".
[[noreturn]] void BadQueryParam(const std::string& name, const std::string& why);

/// The page size: `default_limit` when absent, else a whole number within 1..max_limit (422 otherwise).
int LimitParam(const Request& req, int default_limit, int max_limit);

}  // namespace faceloop::http
