#include "retention/purge.hpp"

#include <algorithm>
#include <optional>

#include "common/time.hpp"
#include "feedback/retention_store.hpp"
#include "requests/retention_store.hpp"
#include "retention/tables.hpp"
#include "search/index_templates.hpp"
#include "storage/local_object_store.hpp"
#include "telemetry/log.hpp"

namespace faceloop::retention {
namespace {

using Time = std::chrono::system_clock::time_point;

const telemetry::Logger kLog("retention");
constexpr int kBatch = 500;  // rows per transaction: bounded memory and short write locks
constexpr int kSweepDays = 7;

std::optional<Time> CutoffFor(int days, Time now) {
  if (days <= 0) return std::nullopt;
  return now - std::chrono::days(days);
}

/// Deletes the images of records received before `cutoff` and, with `delete_records`, the
/// records too (each batch: objects first, then rows).
std::int64_t PurgeRecordBatches(requests::RequestRetention& records, storage::IObjectStore& objects, Time cutoff,
                                bool delete_records, PurgeCounts& counts) {
  std::int64_t images = 0;
  for (;;) {
    const auto batch = records.Before(cutoff, !delete_records, kBatch);
    if (batch.empty()) break;
    for (const requests::ExpiredRecord& record : batch) {
      if (!record.image_key) continue;
      objects.Delete(*record.image_key);
      ++images;
    }
    if (delete_records) {
      counts.records += records.Delete(batch);
    } else {
      records.ForgetImages(batch);
    }
  }
  return images;
}

/// "inputs/YYYY/MM/DD/": the folder of the images received on `day` (storage::InputKey's layout).
std::string DayPrefix(Time day) {
  const std::string key = storage::InputKey("x", day, "x");
  return key.substr(0, key.rfind('/') + 1);
}

/// Images in the day folders wholly before `cutoff` that no record names, and what writes a crash
/// interrupted left there (they never got a record either). The purge runs daily, so only the last
/// kSweepDays days before the cut-off are listed: bounded work, and a missed day or two is caught up.
std::int64_t SweepUnreferenced(requests::RequestRetention& records, storage::IObjectStore& objects, Time cutoff,
                               bool dry_run) {
  std::int64_t swept = 0;
  for (int back = 1; back <= kSweepDays; ++back) {
    const std::string day = DayPrefix(cutoff - std::chrono::days(back));
    swept += objects.RemoveInterruptedWrites(day, dry_run);
    for (const std::string& key : objects.List(day)) {
      const std::string file = key.substr(key.rfind('/') + 1);
      if (records.HasImage(file.substr(0, file.find('.')))) continue;  // the record's own purge takes it
      if (!dry_run) objects.Delete(key);
      ++swept;
    }
  }
  return swept;
}

void PurgeRequests(const PurgeTargets& targets, const Policy& policy, Time now, bool dry_run, PurgeReport& report) {
  requests::RequestRetention records(targets.database);
  const auto images_cutoff = CutoffFor(policy.input_images_days, now);
  const auto records_cutoff = CutoffFor(policy.records_days, now);
  // A record's image goes with it or on its own: what goes is every image before the later cut-off.
  std::optional<Time> latest = records_cutoff ? records_cutoff : images_cutoff;
  if (records_cutoff && images_cutoff) latest = std::max(*records_cutoff, *images_cutoff);
  if (records_cutoff) report.cutoffs["records"] = FormatTimestamp(*records_cutoff);
  if (images_cutoff) report.cutoffs["input_images"] = FormatTimestamp(*images_cutoff);
  if (dry_run) {
    if (records_cutoff) report.counts.records = records.CountBefore(*records_cutoff);
    if (latest) report.counts.input_images = records.CountImagesBefore(*latest);
    if (latest) report.counts.unreferenced_images = SweepUnreferenced(records, targets.objects, *latest, true);
    return;
  }
  if (records_cutoff) {
    if (targets.search) targets.search->DeleteBefore(search::kRequestsFamily, "received_at", *records_cutoff);
    report.counts.input_images += PurgeRecordBatches(records, targets.objects, *records_cutoff, true, report.counts);
  }
  if (images_cutoff) {
    report.counts.input_images += PurgeRecordBatches(records, targets.objects, *images_cutoff, false, report.counts);
  }
  if (latest) report.counts.unreferenced_images = SweepUnreferenced(records, targets.objects, *latest, false);
}

void PurgeEvents(const PurgeTargets& targets, const Policy& policy, Time now, bool dry_run, PurgeReport& report) {
  const auto cutoff = CutoffFor(policy.events_days, now);
  if (!cutoff) return;
  report.cutoffs["events"] = FormatTimestamp(*cutoff);
  if (dry_run) {
    report.counts.events = CountEventsBefore(targets.database, *cutoff);
    return;
  }
  if (targets.search) targets.search->DeleteBefore(search::kEventsFamily, "occurred_at", *cutoff);
  for (std::int64_t deleted = -1; deleted != 0;) {
    deleted = DeleteEventsBefore(targets.database, *cutoff, kBatch);
    report.counts.events += deleted;
  }
}

void PurgeFeedback(const PurgeTargets& targets, const Policy& policy, Time now, bool dry_run, PurgeReport& report) {
  const auto cutoff = CutoffFor(policy.feedback_days, now);
  if (!cutoff) return;
  report.cutoffs["feedback"] = FormatTimestamp(*cutoff);
  feedback::FeedbackRetention store(targets.database);
  if (dry_run) {
    report.counts.feedback = store.CountBefore(*cutoff);
    return;
  }
  if (targets.search) targets.search->DeleteBefore(search::kFeedbackFamily, "updated_at", *cutoff);
  for (std::int64_t deleted = -1; deleted != 0;) {
    deleted = store.DeleteBefore(*cutoff, kBatch);
    report.counts.feedback += deleted;
  }
}

/// Another process's spool may still ship a deleted account's records to the search index after
/// the deletion (its own shipper drops them from the database, not from the index): remove them
/// again while the tombstone lasts.
void PurgeDeletedAccounts(const PurgeTargets& targets, const Policy& policy, Time now, bool dry_run,
                          PurgeReport& report) {
  const Time since = now - std::chrono::days(policy.tombstone_days);
  const std::vector<std::string> users = TombstonesSince(targets.database, since);
  if (targets.search) {
    report.counts.deleted_accounts_rechecked = static_cast<std::int64_t>(users.size());
    if (!dry_run) {
      for (const std::string& user : users) targets.search->DeleteUserRequests(user);
    }
  }
  report.counts.tombstones_forgotten =
      dry_run ? CountTombstonesBefore(targets.database, since) : ForgetTombstonesBefore(targets.database, since);
}

}  // namespace

PurgeReport Purge(const PurgeTargets& targets, const Policy& policy, Time now, bool dry_run) {
  PurgeReport report;
  report.dry_run = dry_run;
  report.now = FormatTimestamp(now);
  PurgeRequests(targets, policy, now, dry_run, report);
  PurgeEvents(targets, policy, now, dry_run, report);
  PurgeFeedback(targets, policy, now, dry_run, report);
  PurgeDeletedAccounts(targets, policy, now, dry_run, report);
  kLog.Info(dry_run ? "retention purge (dry run)" : "retention purge", {{"counts", nlohmann::json(report.counts)}});
  return report;
}

}  // namespace faceloop::retention
