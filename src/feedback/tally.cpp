#include "feedback/tally.hpp"

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::feedback {

std::vector<VerdictTally> CountVerdicts(db::IDatabase& database, Time from, Time to, const std::string& bucket_sql) {
  // Windowed by the request's time (stored with the feedback, so no join is needed to filter):
  // the quality of what a model answered then. LEFT JOIN: feedback outliving its request still
  // counts, under an unknown model. Positional GROUP BY: the same in SQLite and PostgreSQL.
  const std::string sql = "SELECT " + bucket_sql +
                          ", COALESCE(requests.model_name, ''), COALESCE(requests.model_version, ''), "
                          "feedback.verdict, COUNT(*), COUNT(feedback.rating), COALESCE(SUM(feedback.rating), 0) "
                          "FROM feedback LEFT JOIN requests ON requests.id = feedback.request_id "
                          "WHERE feedback.request_received_at >= ? AND feedback.request_received_at < ? "
                          "GROUP BY 1, 2, 3, 4";
  std::vector<VerdictTally> tallies;
  for (const db::Row& row : database.Query(sql, {FormatTimestamp(from), FormatTimestamp(to)})) {
    const auto verdict = ParseVerdict(row.Get<std::string>(3));
    // The table's CHECK constraint allows only the three verdicts.
    if (!verdict) throw Error(ErrorCode::kInternal, "feedback: column verdict holds an unreadable value");
    tallies.push_back({row.Get<std::string>(0), row.Get<std::string>(1), row.Get<std::string>(2), *verdict,
                       row.Get<std::int64_t>(4), row.Get<std::int64_t>(5), row.Get<std::int64_t>(6)});
  }
  return tallies;
}

}  // namespace faceloop::feedback
