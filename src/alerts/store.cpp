#include "alerts/store.hpp"

#include "alerts/rule_codec.hpp"
#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::alerts {
namespace {

template <typename Record>
std::string InsertSql(const char* table) {
  const Record shape{};
  return std::string("INSERT INTO ") + table + " (" + db::ColumnList(shape) + ") VALUES (" + db::Placeholders(shape) +
         ")";
}

template <typename Record>
std::string SelectSql(const char* table) {
  return "SELECT " + db::ColumnList(Record{}) + " FROM " + table;
}

/// "a = ?, b = ?" over every column but the first (the id), and the parameters with the id last.
std::string RuleUpdateSql() {
  std::string sets;
  bool first = true;
  const Rule shape{};
  ForEachField(shape, [&](const FieldSpec& field, const auto&) {
    if (first || field.name == "created_at") {
      first = false;
      return;
    }
    sets += (sets.empty() ? "" : ", ") + std::string(field.column) + " = ?";
  });
  return "UPDATE alert_rules SET " + sets + " WHERE id = ?";
}

db::Params RuleUpdateParams(const Rule& rule) {
  db::Params all = db::ToParams<RuleRowCodec>(rule);
  db::Params params;
  std::size_t at = 0;
  ForEachField(rule, [&](const FieldSpec& field, const auto&) {
    if (at != 0 && field.name != "created_at") params.push_back(all[at]);
    ++at;
  });
  params.push_back(rule.id);
  return params;
}

std::optional<Time> OptionalTime(const db::Row& row, std::size_t at) {
  if (row.IsNull(at)) return std::nullopt;
  return ParseTimestamp(row.Get<std::string>(at));
}

}  // namespace

nlohmann::json ToJson(const AlertEvent& event) { return fields::ToJson<RuleJsonCodec>(event); }

void AlertStore::Insert(const Rule& rule) {
  database_.Execute(InsertSql<Rule>("alert_rules"), db::ToParams<RuleRowCodec>(rule));
}

bool AlertStore::Replace(const Rule& rule) { return database_.Execute(RuleUpdateSql(), RuleUpdateParams(rule)) > 0; }

bool AlertStore::Delete(const std::string& id) {
  bool deleted = false;
  database_.Transaction([&](db::IDatabase& tx) {
    deleted = tx.Execute("DELETE FROM alert_rules WHERE id = ?", {id}) > 0;
    tx.Execute("DELETE FROM alert_states WHERE rule_id = ?", {id});
  });
  return deleted;
}

std::optional<Rule> AlertStore::Find(const std::string& id) {
  const auto row = database_.QueryOne(SelectSql<Rule>("alert_rules") + " WHERE id = ? LIMIT 1", {id});
  if (!row) return std::nullopt;
  return db::FromRow<RuleRowCodec, Rule>(*row);
}

std::vector<Rule> AlertStore::List(bool enabled_only) {
  std::vector<Rule> rules;
  const std::string where = enabled_only ? " WHERE enabled = 1" : "";
  for (const db::Row& row : database_.Query(SelectSql<Rule>("alert_rules") + where + " ORDER BY id")) {
    rules.push_back(db::FromRow<RuleRowCodec, Rule>(row));
  }
  return rules;
}

RuleStatus AlertStore::Status(const std::string& rule_id) {
  const auto row =
      database_.QueryOne("SELECT state, last_fired_at FROM alert_states WHERE rule_id = ? LIMIT 1", {rule_id});
  if (!row) return {};
  return {ParseState(row->Get<std::string>(0)), OptionalTime(*row, 1)};
}

bool AlertStore::Record(const Rule& rule, AlertState previous, const Decision& decision, const Observation& observation,
                        Time now, const std::optional<AlertEvent>& event,
                        const std::vector<OutboxItem>& notifications) {
  const std::string at = FormatTimestamp(now);
  const db::Value value = observation.value ? db::Value(*observation.value) : db::Value(nullptr);
  const bool fired = event && event->transition == TransitionName(Transition::kFiring);
  const std::string next(StateName(decision.next));
  bool stored = true;
  database_.Transaction([&](db::IDatabase& tx) {
    if (!event) {  // only the measurement changes
      tx.Execute(
          "INSERT INTO alert_states (rule_id, state, since, last_value, last_sample, last_evaluated_at) VALUES (?, ?, "
          "?, ?, ?, ?) ON CONFLICT (rule_id) DO UPDATE SET last_value = excluded.last_value, last_sample = "
          "excluded.last_sample, last_evaluated_at = excluded.last_evaluated_at",
          {rule.id, next, at, value, observation.sample, at});
      return;
    }
    // The transition is taken only from the state it was decided on: should two evaluators ever
    // overlap (a leader handing over mid-run), the second finds the state moved and stores nothing.
    const db::Value fired_at = fired ? db::Value(at) : db::Value(nullptr);
    std::int64_t changed = tx.Execute(
        "UPDATE alert_states SET state = ?, since = ?, last_value = ?, last_sample = ?, last_evaluated_at = ?, "
        "last_fired_at = COALESCE(?, last_fired_at) WHERE rule_id = ? AND state = ?",
        {next, at, value, observation.sample, at, fired_at, rule.id, std::string(StateName(previous))});
    if (changed == 0 && previous == AlertState::kOk) {  // no row yet: a rule never evaluated is ok
      changed = tx.Execute(
          "INSERT INTO alert_states (rule_id, state, since, last_value, last_sample, last_evaluated_at, "
          "last_fired_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rule_id) DO NOTHING",
          {rule.id, next, at, value, observation.sample, at, fired_at});
    }
    stored = changed > 0;
    if (!stored) return;
    tx.Execute(InsertSql<AlertEvent>("alert_events"), db::ToParams<RuleRowCodec>(*event));
    for (const OutboxItem& item : notifications) {
      tx.Execute(InsertSql<OutboxItem>("alert_outbox") + " ON CONFLICT (event_id, channel, target) DO NOTHING",
                 db::ToParams<RuleRowCodec>(item));
    }
  });
  return stored;
}

std::vector<AlertEvent> AlertStore::Events(const EventQuery& query) {
  std::string where;
  db::Params params;
  auto add = [&](const char* clause, db::Value v) {
    where += where.empty() ? " WHERE " : " AND ";
    where += clause;
    params.push_back(std::move(v));
  };
  if (query.rule_id) add("rule_id = ?", *query.rule_id);
  if (query.before_id) add("id < ?", *query.before_id);
  params.emplace_back(static_cast<std::int64_t>(query.limit));
  std::vector<AlertEvent> events;
  for (const db::Row& row :
       database_.Query(SelectSql<AlertEvent>("alert_events") + where + " ORDER BY id DESC LIMIT ?", params)) {
    events.push_back(db::FromRow<RuleRowCodec, AlertEvent>(row));
  }
  return events;
}

std::vector<OutboxItem> AlertStore::Due(Time now, int limit) {
  std::vector<OutboxItem> items;
  for (const db::Row& row : database_.Query(SelectSql<OutboxItem>("alert_outbox") +
                                                " WHERE delivered_at IS NULL AND failed_at IS NULL AND "
                                                "next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                                            {FormatTimestamp(now), static_cast<std::int64_t>(limit)})) {
    items.push_back(db::FromRow<RuleRowCodec, OutboxItem>(row));
  }
  return items;
}

bool AlertStore::Claim(const OutboxItem& item, Time lease_until) {
  // Optimistic: the row moves on only if nobody moved it since it was read.
  return database_.Execute(
             "UPDATE alert_outbox SET next_attempt_at = ?, attempts = attempts + 1 WHERE id = ? AND "
             "next_attempt_at = ? AND attempts = ? AND delivered_at IS NULL",
             {FormatTimestamp(lease_until), item.id, FormatTimestamp(item.next_attempt_at), item.attempts}) > 0;
}

void AlertStore::Delivered(const std::string& id, Time now) {
  database_.Execute("UPDATE alert_outbox SET delivered_at = ?, last_error = NULL WHERE id = ?",
                    {FormatTimestamp(now), id});
}

void AlertStore::Retry(const std::string& id, Time next, const std::string& error, bool give_up, Time now) {
  database_.Execute("UPDATE alert_outbox SET next_attempt_at = ?, last_error = ?, failed_at = ? WHERE id = ?",
                    {FormatTimestamp(next), error, give_up ? db::Value(FormatTimestamp(now)) : db::Value(nullptr), id});
}

}  // namespace faceloop::alerts
