#pragma once
// POST /v1/users, POST /v1/sessions, GET/DELETE /v1/sessions/current, GET/DELETE /v1/me,
// GET/POST /v1/keys, DELETE /v1/keys/{id}.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "accounts/account_service.hpp"
#include "accounts/auth_cache.hpp"
#include "events/event_log.hpp"
#include "http/failed_logins.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"
#include "mail/mailer.hpp"
#include "ratelimit/limiter.hpp"

namespace faceloop::http {

struct AccountRoutes {
  accounts::AccountService& accounts;
  accounts::AuthCache& auth;
  const accounts::Crypto& crypto;  ///< for the sessions' CSRF tokens
  ratelimit::IRateLimiter& limiter;
  ratelimit::Quota signups;  ///< per client address
  mail::IMailer* mailer;     ///< null: the sign-up key is returned in the response
  events::EventLog& events;
  FailedLogins& failed_logins;  ///< POST /v1/sessions' login_failed events, capped
  /// Deletes the account and everything it owns; returns the number of images deleted.
  std::function<std::size_t(const std::string& user_id)> delete_account;
  /// Ids of the dataset exports holding the user's images (kept in the deletion's event: the
  /// account's data leaves the service, not the training sets already exported). May be empty.
  std::function<std::vector<std::string>(const std::string& user_id)> dataset_exports;
};

void RegisterAccountRoutes(Router& router, HttpMetrics& metrics, const AccountRoutes& routes);

}  // namespace faceloop::http
