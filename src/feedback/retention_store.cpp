#include "feedback/retention_store.hpp"

#include "common/time.hpp"

namespace faceloop::feedback {

std::int64_t FeedbackRetention::CountBefore(Time cutoff) {
  return database_.QueryOne("SELECT count(*) FROM feedback WHERE updated_at < ?", {FormatTimestamp(cutoff)})
      ->Get<std::int64_t>(0);
}

std::int64_t FeedbackRetention::DeleteBefore(Time cutoff, int limit) {
  // Row values: the primary key is (request_id, user_id); SQLite >= 3.15 and PostgreSQL agree.
  return database_.Execute(
      "DELETE FROM feedback WHERE (request_id, user_id) IN "
      "(SELECT request_id, user_id FROM feedback WHERE updated_at < ? LIMIT ?)",
      {FormatTimestamp(cutoff), std::int64_t{limit}});
}

}  // namespace faceloop::feedback
