#pragma once
// Integration tests reach real servers (PostgreSQL, S3, OpenSearch, SMTP) through environment
// variables that tests/servers/*.sh write and scripts/test.sh exports. Without them a test skips,
// unless FACELOOP_REQUIRE_SERVERS=1 (CI) turns the skip into a failure: a missing server must not
// pass silently there.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace faceloop::testing {

inline std::optional<std::string> ServerEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

inline bool ServersRequired() {
  const char* value = std::getenv("FACELOOP_REQUIRE_SERVERS");
  return value != nullptr && std::string(value) == "1";
}

}  // namespace faceloop::testing

/// Skips the test (or fails it under FACELOOP_REQUIRE_SERVERS=1) when `var` is not set.
#define FACELOOP_REQUIRE_SERVER_ENV(var)                                               \
  do {                                                                                 \
    if (!::faceloop::testing::ServerEnv(var)) {                                        \
      if (::faceloop::testing::ServersRequired()) FAIL() << var << " is not set";      \
      GTEST_SKIP() << var << " is not set (start the server with tests/servers/*.sh)"; \
    }                                                                                  \
  } while (false)
