#include "http/server/security_headers.hpp"

#include <array>
#include <string_view>
#include <utility>

namespace faceloop::http {
namespace {

// An API answer is data, never a page: nothing in it may run, be framed or be sniffed as HTML, and
// answers that carry a user's records or keys must not stay in a shared cache.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kDefaults = {{
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
    {"Cache-Control", "no-store"},
}};

}  // namespace

void AddMissingSecurityHeaders(Headers& headers) {
  for (const auto& [name, value] : kDefaults) {
    if (!headers.Has(name)) headers.Add(std::string(name), std::string(value));
  }
}

}  // namespace faceloop::http
