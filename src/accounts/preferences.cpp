#include "accounts/preferences.hpp"

#include "common/error.hpp"
#include "common/field_json.hpp"
#include "db/typed_row.hpp"

namespace faceloop::accounts {
namespace {

/// The field list's shape, for walks over the names and columns only.
const Preferences kShape{};

struct PreferencesJsonCodec : fields::JsonCodec {
  using JsonCodec::Decode;
  using JsonCodec::Encode;
  static constexpr std::string_view kRecord = "preferences";
  static bool Required(std::string_view) { return false; }
};

struct PreferencesRowCodec : db::RowCodec {
  using RowCodec::FromValue;
  using RowCodec::ToValue;
  static void NullInRequired(std::string_view column) {
    throw Error(ErrorCode::kInternal, "user_preferences: NULL in " + std::string(column));
  }
};

/// "rating_email, training_use": the field list's names, for messages.
std::string FieldNames() {
  std::string names;
  ForEachField(kShape, [&names](const PreferenceField& field, const auto&) {
    names += (names.empty() ? "" : ", ") + std::string(field.name);
  });
  return names;
}

/// "rating_email = COALESCE(excluded.rating_email, user_preferences.rating_email), ...": a PATCH
/// sets what it has and keeps the rest (a NULL parameter is a field it did not give).
std::string KeepUnsetAssignments() {
  std::string sets;
  ForEachField(kShape, [&sets](const PreferenceField& field, const auto&) {
    const std::string column(field.column);
    sets += column + " = COALESCE(excluded." + column + ", user_preferences." + column + "), ";
  });
  return sets + "updated_at = excluded.updated_at";
}

}  // namespace

Preferences Effective(const Preferences& stored, const PreferenceDefaults& defaults) {
  return {stored.rating_email.value_or(defaults.rating_email), stored.training_use.value_or(defaults.training_use)};
}

Preferences StoredPreferences(db::IDatabase& db, const std::string& user_id) {
  const auto row =
      db.QueryOne("SELECT " + db::ColumnList(kShape) + " FROM user_preferences WHERE user_id = ?", {user_id});
  return row ? db::FromRow<PreferencesRowCodec, Preferences>(*row) : Preferences{};
}

Preferences EffectivePreferences(db::IDatabase& db, const std::string& user_id, const PreferenceDefaults& defaults) {
  return Effective(StoredPreferences(db, user_id), defaults);
}

Preferences UpdatePreferences(db::IDatabase& db, const std::string& user_id, const Preferences& patch,
                              const PreferenceDefaults& defaults, std::chrono::system_clock::time_point now) {
  Preferences stored;
  db.Transaction([&](db::IDatabase& tx) {
    // Checked rather than left to the foreign key: a precise 404, and the same on a connection
    // that does not enforce foreign keys.
    if (!tx.QueryOne("SELECT 1 FROM users WHERE id = ?", {user_id})) {
      throw Error(ErrorCode::kNotFound, "no such user");
    }
    db::Params params{user_id};
    for (db::Value& value : db::ToParams<PreferencesRowCodec>(patch)) params.push_back(std::move(value));
    params.push_back(db::RowCodec::ToValue(now));
    tx.Execute("INSERT INTO user_preferences (user_id, " + db::ColumnList(kShape) + ", updated_at) VALUES (?, " +
                   db::Placeholders(kShape) + ", ?) ON CONFLICT (user_id) DO UPDATE SET " + KeepUnsetAssignments(),
               params);
    stored = StoredPreferences(tx, user_id);
  });
  return Effective(stored, defaults);
}

Preferences ParsePreferencesPatch(const nlohmann::json& body) {
  if (!body.is_object()) throw Error(ErrorCode::kBadRequest, "preferences must be a JSON object");
  for (const auto& item : body.items()) {
    const std::string& name = item.key();
    bool known = false;
    ForEachField(kShape,
                 [&known, &name](const PreferenceField& field, const auto&) { known = known || field.name == name; });
    if (!known) throw Error(ErrorCode::kUnprocessable, name + ": unknown preference (one of " + FieldNames() + ")");
    if (!item.value().is_boolean()) throw Error(ErrorCode::kUnprocessable, name + ": must be true or false");
  }
  return fields::FromJson<PreferencesJsonCodec, Preferences>(body);
}

nlohmann::json ToJson(const Preferences& effective) { return fields::ToJson<PreferencesJsonCodec>(effective); }

std::string PreferenceAllowsSql(std::string_view column, std::string_view user_id_sql, bool default_value) {
  bool known = false;
  ForEachField(
      kShape, [&known, column](const PreferenceField& field, const auto&) { known = known || field.column == column; });
  if (!known) throw Error(ErrorCode::kInternal, "not a preference column: " + std::string(column));
  // A correlated subquery rather than a join: it drops into any WHERE without changing the
  // caller's FROM, and the primary key makes it one index probe per row.
  return "COALESCE((SELECT up." + std::string(column) +
         " FROM user_preferences up WHERE up.user_id = " + std::string(user_id_sql) + "), " +
         (default_value ? "1" : "0") + ") = 1";
}

std::string TrainingUseAllowedSql(std::string_view user_id_sql, const PreferenceDefaults& defaults) {
  return PreferenceAllowsSql("training_use", user_id_sql, defaults.training_use);
}

}  // namespace faceloop::accounts
