#pragma once
// An Error whose problem `type` is more precise than its code's: 403 `cross-origin` rather than
// `forbidden`, so that a client can tell a refused origin from a missing right. The status is still
// the code's; ProblemJson (problem.cpp) uses the slug.
#include <string>
#include <utility>

#include "common/error.hpp"

namespace faceloop::http {

class TypedError : public Error {
 public:
  TypedError(ErrorCode code, std::string slug, const std::string& message)
      : Error(code, message), slug_(std::move(slug)) {}
  const std::string& slug() const { return slug_; }

 private:
  std::string slug_;
};

/// The problem type slug of a cookie-authenticated write from another origin (403).
inline constexpr const char* kCrossOriginSlug = "cross-origin";

}  // namespace faceloop::http
