#include "alerts/dispatcher.hpp"

#include <random>

#include "alerts/signature.hpp"
#include "common/error.hpp"
#include "common/thread_name.hpp"
#include "telemetry/log.hpp"

namespace faceloop::alerts {
namespace {

const telemetry::Logger kLog("alerts");
constexpr std::size_t kMaxWebhookAnswerBytes = 64 * 1024;

net::HttpClientOptions WebhookClientOptions(const DispatcherOptions& options) {
  net::HttpClientOptions client;
  client.timeout = options.webhook_timeout;
  client.retry.max_attempts = 1;  // the outbox retries, with its own backoff, across restarts
  // Only the status matters; a receiver answering without end is cut off here (OWASP API10).
  client.max_response_bytes = kMaxWebhookAnswerBytes;
  return client;
}

std::string Describe(const nlohmann::json& event) {
  std::string text = "Alert rule \"" + event.value("rule_name", std::string()) + "\" is " +
                     event.value("transition", std::string()) + ".\n\n";
  text += "metric: " + event.value("metric", std::string());
  if (event.contains("feature")) text += " of " + event["feature"].get<std::string>();
  text += "\nvalue: " + (event.contains("value") ? event["value"].dump() : std::string("none"));
  text += " (" + event.value("comparator", std::string()) + " " + event["threshold"].dump() + " fires)";
  text += "\nsample: " + event["sample"].dump();
  text += "\nwindow: " + event.value("window_from", std::string()) + " .. " + event.value("window_to", std::string());
  text += "\nat: " + event.value("occurred_at", std::string()) + "\nevent: " + event.value("id", std::string()) + "\n";
  return text;
}

}  // namespace

std::chrono::milliseconds RetryDelay(const DispatcherOptions& options, std::int64_t attempts, double random) {
  const int doublings = static_cast<int>(std::min<std::int64_t>(std::max<std::int64_t>(attempts - 1, 0), 30));
  const double full = std::min(static_cast<double>(options.retry_base.count()) * static_cast<double>(1LL << doublings),
                               static_cast<double>(options.retry_max.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(full * (0.5 + random / 2)));
}

Dispatcher::Dispatcher(db::IDatabase& database, mail::IMailer* mailer, const UrlPolicy& policy,
                       DispatcherOptions options)
    : store_(database), mailer_(mailer), policy_(policy), options_(options), http_(WebhookClientOptions(options)) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    NameThisThread("notify");
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      try {
        RunOnce(std::chrono::system_clock::now());
      } catch (const std::exception& e) {  // the database is down: the rows wait
        kLog.Warn(std::string("outbox not read: ") + e.what());
      }
      lock.lock();
      wake_.wait_for(lock, options_.poll, [this] { return stop_; });
    }
  });
}

void Dispatcher::Stop() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int Dispatcher::RunOnce(Time now) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  int delivered = 0;
  for (const OutboxItem& item : store_.Due(now, 50)) {
    if (!store_.Claim(item, now + options_.lease)) continue;  // another process has it
    const std::int64_t attempts = item.attempts + 1;
    try {
      Deliver(item);
      store_.Delivered(item.id, std::chrono::system_clock::now());
      ++delivered;
    } catch (const std::exception& e) {
      const Time next = now + RetryDelay(options_, attempts, std::uniform_real_distribution<>(0, 1)(random));
      const bool give_up = next - item.created_at > options_.max_age;
      kLog.Warn("alert " + item.channel + " to " + item.target + " failed (attempt " + std::to_string(attempts) +
                (give_up ? ", given up" : "") + "): " + e.what());
      store_.Retry(item.id, next, e.what(), give_up, now);
    }
  }
  return delivered;
}

void Dispatcher::Deliver(const OutboxItem& item) {
  if (item.channel == "webhook") {
    SendWebhook(item);
  } else {
    SendEmail(item);
  }
}

void Dispatcher::SendWebhook(const OutboxItem& item) {
  policy_.Check(item.target);  // again: the host's addresses may have changed since the rule was saved
  const std::string timestamp = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  net::HttpRequest request;
  request.method = "POST";
  request.url = item.target;
  request.body = net::AsBytes(item.payload);
  request.what = "alert webhook";
  request.headers = {{"Content-Type", "application/json"},
                     {"X-Faceloop-Event", item.event_id},
                     {"X-Faceloop-Timestamp", timestamp},
                     {"X-Faceloop-Signature", Sign(item.secret.value_or(""), timestamp, item.payload)}};
  const net::HttpResponse response = http_.Send(request);
  if (response.status < 200 || response.status >= 300) {
    throw Error(ErrorCode::kUnavailable, "the receiver answered " + std::to_string(response.status));
  }
}

void Dispatcher::SendEmail(const OutboxItem& item) {
  if (mailer_ == nullptr) throw Error(ErrorCode::kUnavailable, "no mail server configured (smtp.url)");
  const nlohmann::json event = nlohmann::json::parse(item.payload);
  const std::string transition = event.value("transition", std::string());
  mailer_->Send({item.target,
                 "[faceloop] " + std::string(transition == "firing" ? "FIRING" : "resolved") + ": " +
                     event.value("rule_name", std::string()),
                 Describe(event)});
}

}  // namespace faceloop::alerts
