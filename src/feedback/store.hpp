#pragma once
// The `feedback` and `feedback_tokens_used` tables. Nothing else writes them (tally.hpp counts
// feedback for the insights). Columns come from the feedback's field list (feedback.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "feedback/feedback.hpp"

namespace faceloop::feedback {

class FeedbackStore {
 public:
  explicit FeedbackStore(db::IDatabase& database) : database_(database) {}

  /// Stores `feedback`, replacing the same user's earlier feedback on the request (whose
  /// created_at is kept); returns it as stored.
  Feedback Save(const Feedback& feedback);
  /// Save, and in the same transaction marks the one-time token `token_id` used. Throws
  /// Error(kConflict) when it was used before; then nothing is written.
  Feedback SaveWithToken(const Feedback& feedback, const std::string& token_id, Time token_expires_at);

  std::optional<Feedback> Find(const std::string& request_id, const std::string& user_id);
  /// Every user's feedback on the request, oldest first.
  std::vector<Feedback> ListForRequest(const std::string& request_id);
  /// Up to `limit` feedback given by `user_id`, by request id, after `after_request_id` when set
  /// (the user's data export pages through it).
  std::vector<Feedback> ListGivenBy(const std::string& user_id, const std::optional<std::string>& after_request_id,
                                    int limit);
  /// Whether there was one to delete.
  bool Delete(const std::string& request_id, const std::string& user_id);
  /// Deletes the feedback `user_id` gave and the feedback on `user_id`'s requests; returns how many.
  std::int64_t PurgeUser(const std::string& user_id);
  /// Forgets used tokens that expired before `now`: a replay of one is refused as expired anyway.
  std::int64_t ForgetExpiredTokens(Time now);

 private:
  static void Upsert(db::IDatabase& tx, const Feedback& feedback);
  static std::optional<Feedback> FindIn(db::IDatabase& database, const std::string& request_id,
                                        const std::string& user_id);

  db::IDatabase& database_;
};

}  // namespace faceloop::feedback
