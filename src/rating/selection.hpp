#pragma once
// Who gets the rating e-mail of a period, and which of their requests it lists: the only code that
// reads and writes rating_emails. A user qualifies when the account exists, has an address, has
// rating_email effectively true, made successful requests (with a stored image) in the period and
// after their last rating e-mail, and has no rating e-mail for this period yet.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "accounts/preferences.hpp"
#include "db/database.hpp"

namespace faceloop::rating {

using Time = std::chrono::system_clock::time_point;

/// The requests of a period a rating e-mail may list: [start, end).
struct Window {
  Time period_start;  ///< the period's key in rating_emails
  Time start;
  Time end;
};

struct Recipient {
  std::string user_id;
  std::string email;
  std::vector<std::string> request_ids;  ///< newest first, at most `predictions`
};

/// Everyone who qualifies for `window`, by user id, each with their newest `predictions` requests.
std::vector<Recipient> SelectRecipients(db::IDatabase& db, const Window& window, int predictions,
                                        const accounts::PreferenceDefaults& defaults);

/// Claims the period's e-mail for `user_id` (a row in rating_emails, sent_at = now): false when it
/// was claimed already, by this or another process. The primary key decides, so two processes
/// never both send it.
bool ClaimPeriod(db::IDatabase& db, const std::string& user_id, Time period_start, Time now);
/// Undoes a claim whose e-mail could not be sent, so that the next run tries again.
void ReleasePeriod(db::IDatabase& db, const std::string& user_id, Time period_start);

}  // namespace faceloop::rating
