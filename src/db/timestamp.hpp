#pragma once
// The timestamp format stored in the database and returned by the API: common/time.hpp's, named
// here too so that db code and its callers keep writing db::FormatTimestamp.
#include "common/time.hpp"

namespace faceloop::db {

using faceloop::FormatTimestamp;

}  // namespace faceloop::db
