#pragma once
// Which requests an export takes: each strategy (params.hpp) streams its candidates from the
// database in pages, filtered in SQL by the shared conditions (a stored image, a successful
// request, the date range and model version, consent and deletion), so no strategy ever holds
// more than one page of records. The caller decides what to keep (de-duplication, caps) and says
// so for each candidate, which is how a strategy with a quota (stratified) counts only real picks.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "datasets/params.hpp"
#include "db/database.hpp"

namespace faceloop::datasets {

/// Who may be in a training set: users who opted out (user_preferences.training_use = false) never
/// are; users who never chose follow `training_use_default` ([datasets] training_use_default).
struct ConsentPolicy {
  bool training_use_default = true;
};

/// The SQL condition over `requests` (columns unqualified) that keeps only requests whose user
/// allows training use (accounts::TrainingUseAllowedSql) and is not deleted (users.deleted_at,
/// the deleted_users tombstones).
std::string ConsentCondition(const ConsentPolicy& policy);

struct Candidate {
  std::string request_id;
  std::string user_id;
};

/// What the caller did with a candidate.
enum class Verdict {
  kTaken,    ///< kept: counts against the strategy's quota
  kSkipped,  ///< dropped (a duplicate, a user over the per-user cap, unreadable image)
  kStop,     ///< enough: the strategy stops here
};

using TakeFn = std::function<Verdict(const Candidate&)>;

/// Streams `strategy`'s candidates that pass the export's filters to `take`, in the strategy's
/// order (a seeded uniform order for all but outliers, which come highest score first), until
/// they run out or `take` says stop. `consent_sql` is ConsentCondition's answer. `now` anchors the
/// outliers' default window (the 7 days before it) when the export has no date range.
void ForEachCandidate(db::IDatabase& database, const ExportParams& params, const Strategy& strategy,
                      const std::string& consent_sql, std::chrono::system_clock::time_point now, const TakeFn& take);

}  // namespace faceloop::datasets
