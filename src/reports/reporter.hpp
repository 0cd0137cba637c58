#pragma once
// What a scheduler (or `faceloop report`) calls: produce the report of a period, store it once and
// e-mail it once. Idempotent: a second call for the same period reads the stored report back and
// sends nothing, also when two processes call at the same time (the table's unique (period, start)
// and an atomic claim on sent_at decide). A send that fails gives its claim back, so the next call
// for the period retries it; a failure after some recipients got the mail may repeat it to them.
#include <memory>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "insights/thresholds.hpp"
#include "mail/mailer.hpp"
#include "reports/period.hpp"
#include "reports/store.hpp"

namespace faceloop::reports {

struct ReporterOptions {
  std::string time_zone = "UTC";
  std::vector<std::string> recipients;  ///< the analysts the e-mail goes to
  std::string base_url;                 ///< prefixes links in the e-mail ("" = relative)
  insights::DriftThresholds thresholds;
};

struct Produced {
  StoredReport stored;
  bool created = false;  ///< built by this call (not read back)
  std::size_t sent = 0;  ///< e-mails sent by this call
};

class Reporter {
 public:
  /// `mailer` may be null (no mail configured): reports are stored, never sent.
  Reporter(db::IDatabase& database, mail::IMailer* mailer, ReporterOptions options);

  const TimeZone& zone() const { return zone_; }
  /// The report of `window`; with `send`, its e-mail unless it went out already.
  Produced Produce(const PeriodWindow& window, bool send, Time now);
  /// The scheduler's job: the latest complete period of kind `period` at `now`, produced and sent.
  Produced ProduceDue(Period period, Time now) { return Produce(LastCompletePeriod(period, now, zone_), true, now); }

 private:
  std::size_t Send(const StoredReport& stored, Time now);

  db::IDatabase& database_;
  mail::IMailer* mailer_;
  ReporterOptions options_;
  TimeZone zone_;
  ReportStore store_;
};

}  // namespace faceloop::reports
