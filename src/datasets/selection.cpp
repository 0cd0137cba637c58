#include "datasets/selection.hpp"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "accounts/preferences.hpp"
#include "common/time.hpp"
#include "insights/features.hpp"
#include "insights/outliers.hpp"
#include "requests/record.hpp"
#include "requests/sample.hpp"

namespace faceloop::datasets {
namespace {

constexpr std::int64_t kPage = 500;
/// FindOutliers reads each outlier's whole record: its share of an export stays bounded.
constexpr std::int64_t kMaxOutliers = 1000;
constexpr auto kOutlierDefaultWindow = std::chrono::hours(24 * 7);

/// A WHERE clause under construction and its parameters, in order.
struct Where {
  std::string sql = "status = 200 AND image_key IS NOT NULL AND received_at IS NOT NULL";
  db::Params params;

  void Add(const std::string& clause, db::Params values = {}) {
    sql += " AND (" + clause + ")";
    for (auto& value : values) params.push_back(std::move(value));
  }
};

/// The export's filters: what every strategy's candidates must pass.
Where Filters(const ExportParams& p, const std::string& consent_sql) {
  Where where;
  if (p.from) where.Add("received_at >= ?", {FormatTimestamp(*p.from)});
  if (p.until) where.Add("received_at < ?", {FormatTimestamp(*p.until)});
  if (p.model_version) where.Add("model_version = ?", {*p.model_version});
  where.Add(consent_sql);
  return where;
}

/// The strategy's own condition; the random and stratified ones have none.
void AddStrategy(const Strategy& s, Where& where) {
  switch (s.kind) {
    case StrategyKind::kUncertain:
      // A returned face within `band` of the request's own threshold, or a best face that is weak.
      where.Add("(confidence_min IS NOT NULL AND confidence_min < min_confidence + ?) OR confidence_max < ?",
                {s.band, s.low});
      break;
    case StrategyKind::kFeedback:
      where.Add(
          "id IN (SELECT request_id FROM feedback WHERE verdict IN ('incorrect', 'partly_correct') OR rating <= 2)");
      break;
    case StrategyKind::kDrifted:
      // The windows the alert evaluator judged drifted (src/alerts: drift_verdict rules).
      where.Add(
          "EXISTS (SELECT 1 FROM alert_events e WHERE e.metric = 'drift_verdict' AND e.transition = 'firing' AND "
          "requests.received_at >= e.window_from AND requests.received_at < e.window_to)");
      break;
    case StrategyKind::kOutliers:
    case StrategyKind::kStratified:
    case StrategyKind::kRandom: break;
  }
}

/// A stratum: (brightness bin, bin of the largest face's height or -1 without faces).
std::pair<std::int64_t, std::int64_t> StratumOf(const db::Row& row) {
  requests::RequestRecord record;
  record.image = nlohmann::json::parse(row.Get<std::optional<std::string>>(2).value_or("{}"), nullptr, false);
  record.faces = nlohmann::json::parse(row.Get<std::optional<std::string>>(3).value_or("[]"), nullptr, false);
  if (record.image.is_discarded()) record.image = nlohmann::json::object();
  if (record.faces.is_discarded()) record.faces = nlohmann::json::array();
  std::vector<double> values;
  std::pair<std::int64_t, std::int64_t> stratum{-1, -1};
  const insights::Feature* brightness = insights::FindFeature("image.brightness");
  brightness->read(record, values);
  if (!values.empty()) stratum.first = static_cast<std::int64_t>(insights::BinOf(*brightness, values.front()));
  values.clear();
  const insights::Feature* height = insights::FindFeature("faces.box.height");
  height->read(record, values);
  if (!values.empty()) {
    stratum.second =
        static_cast<std::int64_t>(insights::BinOf(*height, *std::max_element(values.begin(), values.end())));
  }
  return stratum;
}

/// Walks the sample buckets from `seed` on (a uniform order, seeded; each bucket's slice found
/// through the sample_key index), then the records stored without a key, one page at a time.
/// `visit` returns false to stop.
void ForEachInSampleOrder(db::IDatabase& database, const Where& where, const std::string& columns, std::int64_t seed,
                          const std::function<bool(const db::Row&)>& visit) {
  for (std::int64_t i = 0; i <= requests::kSampleBuckets; ++i) {
    const bool keyless = i == requests::kSampleBuckets;
    // Keyset paging on (received_at, id): the (sample_key, received_at) index yields a bucket's
    // rows in that order, where ORDER BY id would make the database walk the whole table per bucket.
    std::optional<std::pair<std::string, std::string>> after;
    for (;;) {
      db::Params params = where.params;
      std::string sql = "SELECT " + columns + ", received_at FROM requests WHERE " + where.sql;
      if (keyless) {
        sql += " AND sample_key IS NULL";
      } else {
        sql += " AND sample_key = ?";
        params.emplace_back((seed + i) % requests::kSampleBuckets);
      }
      if (after) {
        sql += " AND (received_at > ? OR (received_at = ? AND id > ?))";
        params.insert(params.end(), {after->first, after->first, after->second});
      }
      sql += " ORDER BY received_at, id LIMIT ?";
      params.emplace_back(kPage);
      const std::vector<db::Row> rows = database.Query(sql, params);
      for (const db::Row& row : rows) {
        if (!visit(row)) return;
      }
      if (static_cast<std::int64_t>(rows.size()) < kPage) break;
      const db::Row& last = rows.back();
      after.emplace(last.Get<std::string>(last.size() - 1), last.Get<std::string>(0));
    }
  }
}

Candidate CandidateOf(const db::Row& row) {
  return {row.Get<std::string>(0), row.Get<std::optional<std::string>>(1).value_or("")};
}

void Outliers(db::IDatabase& database, const ExportParams& p, const Strategy& s, const Where& where,
              std::chrono::system_clock::time_point now, const TakeFn& take) {
  insights::OutlierQuery query;
  query.to = p.until.value_or(now);
  query.from = p.from.value_or(query.to - kOutlierDefaultWindow);
  query.reference_from = query.from - kOutlierDefaultWindow;
  query.limit = static_cast<int>(std::min(s.limit > 0 ? s.limit : p.limit, kMaxOutliers));
  query.threshold = s.threshold;
  const insights::Outliers found = insights::FindOutliers(database, query);
  for (const insights::Outlier& outlier : found.outliers) {
    db::Params params = where.params;
    params.emplace_back(outlier.record.request_id);
    const auto row = database.QueryOne("SELECT id, user_id FROM requests WHERE " + where.sql + " AND id = ?", params);
    if (row && take(CandidateOf(*row)) == Verdict::kStop) return;
  }
}

}  // namespace

std::string ConsentCondition(const ConsentPolicy& policy) {
  accounts::PreferenceDefaults defaults;
  defaults.training_use = policy.training_use_default;
  return "user_id NOT IN (SELECT user_id FROM deleted_users) AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = "
         "requests.user_id AND u.deleted_at IS NOT NULL) AND " +
         accounts::TrainingUseAllowedSql("requests.user_id", defaults);
}

void ForEachCandidate(db::IDatabase& database, const ExportParams& params, const Strategy& strategy,
                      const std::string& consent_sql, std::chrono::system_clock::time_point now, const TakeFn& take) {
  Where where = Filters(params, consent_sql);
  if (strategy.kind == StrategyKind::kOutliers) {
    Outliers(database, params, strategy, where, now, take);
    return;
  }
  AddStrategy(strategy, where);
  const std::int64_t seed = strategy.kind == StrategyKind::kRandom ? strategy.seed : 0;
  if (strategy.kind != StrategyKind::kStratified) {
    ForEachInSampleOrder(database, where, "id, user_id", seed,
                         [&take](const db::Row& row) { return take(CandidateOf(row)) != Verdict::kStop; });
    return;
  }
  // Even over the strata: at most per_bin picks from each, in the same uniform order.
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> taken;
  ForEachInSampleOrder(database, where, "id, user_id, metadata_json, faces_json", seed, [&](const db::Row& row) {
    std::int64_t& count = taken[StratumOf(row)];
    if (count >= strategy.per_bin) return true;
    const Verdict verdict = take(CandidateOf(row));
    if (verdict == Verdict::kTaken) ++count;
    return verdict != Verdict::kStop;
  });
}

}  // namespace faceloop::datasets
