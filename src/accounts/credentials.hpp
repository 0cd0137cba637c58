#pragma once
// What a caller presented: an API key ("fl_..."), a session token, or nothing. Where it came from
// (a header, a cookie) is the transport's business (src/http/credentials.hpp).
#include <string>

namespace faceloop::accounts {

struct Credentials {
  enum class Kind { kNone, kApiKey, kSession } kind = Kind::kNone;
  std::string secret;
};

}  // namespace faceloop::accounts
