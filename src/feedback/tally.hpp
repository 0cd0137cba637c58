#pragma once
// Counts over the `feedback` table for the insights (GET /v1/insights/feedback): verdicts and
// ratings per time bucket and model version, counted in the database. Read-only; the store
// (store.hpp) stays the only writer.
#include <cstdint>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "feedback/feedback.hpp"

namespace faceloop::feedback {

/// Feedback of one verdict on one model version's requests in one bucket.
struct VerdictTally {
  std::string bucket;  ///< the bucket's key
  std::string model_name;
  std::string model_version;  ///< "" when the request is gone or had none
  Verdict verdict = Verdict::kCorrect;
  std::int64_t count = 0;
  std::int64_t ratings = 0;     ///< how many of them gave a rating
  std::int64_t rating_sum = 0;  ///< the sum of those ratings
};

/// Feedback on requests received in [from, to), per bucket, model and verdict: `bucket_sql` is the
/// SQL expression of a bucket key over the column `feedback.request_received_at`. The model comes
/// from the request record (joined by id).
std::vector<VerdictTally> CountVerdicts(db::IDatabase& database, Time from, Time to, const std::string& bucket_sql);

}  // namespace faceloop::feedback
