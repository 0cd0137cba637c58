#pragma once
// Which faceloop::Error a piece of code throws: tests assert on the code (hence the HTTP status),
// not on message wording.
#include <functional>

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace faceloop::testing {

inline ErrorCode CodeOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.code();
  }
  ADD_FAILURE() << "no faceloop::Error thrown";
  return ErrorCode::kInternal;
}

}  // namespace faceloop::testing
