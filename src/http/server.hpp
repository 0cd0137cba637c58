#pragma once
// The httplib::Server settings shared by every route: connection thread pool, body and time limits,
// keep-alive, and problem+json for errors httplib raises itself (unknown route, body too large).
#include <string>

#include <httplib.h>

#include "http/config.hpp"

namespace faceloop::http {

/// Room for multipart boundaries and part headers on top of the image byte limit.
inline constexpr std::size_t kMultipartOverhead = 64 * 1024;

/// Applies `limits` and the error/exception handlers to `server`.
void ConfigureServer(httplib::Server& server, const Limits& limits);
/// Binds host:port (port 0: any free one) and returns the bound port; throws Error(kInternal) when
/// the address cannot be bound.
int BindServer(httplib::Server& server, const std::string& host, int port);

}  // namespace faceloop::http
