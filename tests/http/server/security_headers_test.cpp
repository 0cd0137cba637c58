#include "http/server/security_headers.hpp"

#include <gtest/gtest.h>

namespace faceloop::http {
namespace {

TEST(SecurityHeadersTest, AddsEachMissingField) {
  Headers headers;
  AddMissingSecurityHeaders(headers);
  EXPECT_EQ(headers.Get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(headers.Get("X-Frame-Options"), "DENY");
  EXPECT_EQ(headers.Get("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(headers.Get("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
  EXPECT_EQ(headers.Get("Cache-Control"), "no-store");
}

// The web application's wider CSP and its assets' long caching must survive.
TEST(SecurityHeadersTest, KeepsWhatTheHandlerSet) {
  Headers headers;
  headers.Set("content-security-policy", "default-src 'self'");
  headers.Set("Cache-Control", "public, max-age=60");
  AddMissingSecurityHeaders(headers);
  EXPECT_EQ(headers.Get("Content-Security-Policy"), "default-src 'self'");
  EXPECT_EQ(headers.Get("Cache-Control"), "public, max-age=60");
  std::size_t csp = 0;
  for (const auto& [name, value] : headers.fields()) csp += name == "Content-Security-Policy" ? 1 : 0;
  EXPECT_EQ(csp, 0U);  // not added a second time under the canonical spelling
}

}  // namespace
}  // namespace faceloop::http
