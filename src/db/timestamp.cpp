#include "db/timestamp.hpp"

#include "common/time.hpp"

namespace faceloop::db {

std::string FormatTimestamp(std::chrono::system_clock::time_point time) { return faceloop::FormatTimestamp(time); }

}  // namespace faceloop::db
