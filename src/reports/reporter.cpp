#include "reports/reporter.hpp"

#include "common/error.hpp"
#include "reports/builder.hpp"
#include "reports/email.hpp"
#include "telemetry/log.hpp"

namespace faceloop::reports {
namespace {

const telemetry::Logger kLog("reports");

}  // namespace

Reporter::Reporter(db::IDatabase& database, mail::IMailer* mailer, ReporterOptions options)
    : database_(database),
      mailer_(mailer),
      options_(std::move(options)),
      zone_(TimeZone::Load(options_.time_zone, "reports.time_zone")),
      store_(database) {}

Produced Reporter::Produce(const PeriodWindow& window, bool send, Time now) {
  const std::string period(PeriodName(window.period));
  const std::string id = ReportId(period, window.start);
  Produced produced;
  if (auto existing = store_.Find(id)) {
    produced.stored = std::move(*existing);
  } else {
    StoredReport row{
        id,           period, window.start, window.end,
        zone_.name(), now,    std::nullopt, BuildReport(database_, {window, &zone_, options_.thresholds, now})};
    row.report.id = id;
    produced.stored = store_.InsertOnce(row, &produced.created);
  }
  if (send) produced.sent = Send(produced.stored, now);
  return produced;
}

std::size_t Reporter::Send(const StoredReport& stored, Time now) {
  if (mailer_ == nullptr || options_.recipients.empty()) return 0;
  if (!store_.ClaimSend(stored.id, now)) return 0;  // sent already, or being sent by another process
  std::size_t sent = 0;
  try {
    for (const std::string& to : options_.recipients) {
      mailer_->Send(RenderReportEmail(stored.report, to, options_.base_url));
      ++sent;
    }
  } catch (const Error& e) {
    store_.ReleaseSend(stored.id);  // the next call retries
    kLog.Warn("report " + stored.id + " not sent (" + std::to_string(sent) + " of " +
              std::to_string(options_.recipients.size()) + " went out): " + e.what());
    throw;
  }
  kLog.Info("report " + stored.id + " sent to " + std::to_string(sent) + " recipients");
  return sent;
}

}  // namespace faceloop::reports
