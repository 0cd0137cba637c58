#pragma once
// Synthetic request records for the insights benchmark: deterministic (one seed), in time order,
// with every field the insights read drawn from a plausible distribution, so the rollups, the
// samples and the scans see realistic shapes (skewed users, two model versions, ~10 % no-face,
// ~3 % errors, heavy-tailed sizes and latencies, confidence that depends on the image).
#include <cstdint>
#include <random>
#include <string>

#include "requests/record.hpp"

namespace faceloop::bench {

struct TrafficShape {
  std::int64_t records = 1'000'000;
  int days = 30;
  int users = 3000;
  requests::Time start;  ///< the first day's midnight (UTC)
};

/// Makes the records of `shape` one by one, in received_at (and id) order.
class SyntheticTraffic {
 public:
  explicit SyntheticTraffic(const TrafficShape& shape);

  /// Whether Next has records left.
  bool More() const { return made_ < shape_.records; }
  requests::RequestRecord Next();
  /// The user ids the records use ("bench-user-0" ...), for the users table.
  static std::string UserId(int index);

 private:
  void Fail(requests::RequestRecord& r);
  void Succeed(requests::RequestRecord& r);
  int PickUser();

  TrafficShape shape_;
  std::int64_t made_ = 0;
  std::mt19937_64 random_{20261101};
};

}  // namespace faceloop::bench
