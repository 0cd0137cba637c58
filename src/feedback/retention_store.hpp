#pragma once
// What the retention purge (src/retention) does to the `feedback` table: feedback last given
// before a cut-off is counted and deleted, at most `limit` rows per call (bounded transactions).
#include <cstdint>

#include "db/database.hpp"
#include "feedback/feedback.hpp"

namespace faceloop::feedback {

class FeedbackRetention {
 public:
  explicit FeedbackRetention(db::IDatabase& database) : database_(database) {}

  /// Feedback last given (updated_at) before `cutoff`.
  std::int64_t CountBefore(Time cutoff);
  /// Deletes up to `limit` of those; returns how many.
  std::int64_t DeleteBefore(Time cutoff, int limit);

 private:
  db::IDatabase& database_;
};

}  // namespace faceloop::feedback
