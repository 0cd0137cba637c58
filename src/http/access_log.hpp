#pragma once
// One log line per answered request: method, path (never the query: it may hold tokens), status,
// time, sizes, peer, request id. The front end calls it once per response.
#include "http/server/message.hpp"

namespace faceloop::http {

void LogAccess(const Request& request, const Response& response, double seconds);

}  // namespace faceloop::http
