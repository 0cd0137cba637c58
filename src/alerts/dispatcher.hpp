#pragma once
// Delivers the outbox (alert_outbox): e-mails through the mailer, webhooks through the HTTP client,
// each signed (signature.hpp). Its own thread, apart from the evaluator. A row is claimed before it
// is sent (a conditional UPDATE, so two processes never both send it) and marked delivered after;
// a failure is retried with exponential backoff and jitter until max_age, so an outage of the mail
// server or the receiver loses nothing. A crash between sending and marking sends once more
// (at-least-once): receivers deduplicate by the X-Faceloop-Event header.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "alerts/store.hpp"
#include "alerts/url_policy.hpp"
#include "mail/mailer.hpp"
#include "net/http_client.hpp"

namespace faceloop::alerts {

struct DispatcherOptions {
  std::chrono::milliseconds poll{1000};
  std::chrono::milliseconds retry_base{2000};  ///< first retry after about this long
  std::chrono::milliseconds retry_max{300'000};
  std::chrono::hours max_age{24};   ///< then a notification is given up (failed_at)
  std::chrono::seconds lease{120};  ///< how long a claimed row is left to its claimer
  std::chrono::milliseconds webhook_timeout{10'000};
};

class Dispatcher {
 public:
  /// `mailer` may be null (no SMTP configured): e-mail rows then wait, retried, until max_age.
  Dispatcher(db::IDatabase& database, mail::IMailer* mailer, const UrlPolicy& policy, DispatcherOptions options);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void Start();
  void Stop();
  /// One pass over the due rows at `now`; how many were delivered.
  int RunOnce(Time now);

 private:
  void Deliver(const OutboxItem& item);
  void SendWebhook(const OutboxItem& item);
  void SendEmail(const OutboxItem& item);

  AlertStore store_;
  mail::IMailer* mailer_;
  const UrlPolicy& policy_;
  const DispatcherOptions options_;
  net::HttpClient http_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

/// The delay before attempt `attempts` + 1 (attempts >= 1): base * 2^(attempts-1), capped at max,
/// then a random share of it in [1/2, 1] from `random` in [0, 1).
std::chrono::milliseconds RetryDelay(const DispatcherOptions& options, std::int64_t attempts, double random);

}  // namespace faceloop::alerts
