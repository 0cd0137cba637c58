#pragma once
// Per-user preferences: whether the user gets the rating e-mail, and whether their requests may be
// used for training (dataset exports). One type and ONE field list (ForEachField): the API's JSON
// names, the user_preferences columns and the PATCH body's accepted fields derive from it.
//
// A stored value is a user's explicit choice; an absent one (NULL) follows the operator's
// configured default, so changing the default moves every user who never chose.
#include <chrono>
#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "common/field_list.hpp"
#include "db/database.hpp"

namespace faceloop::accounts {

/// The field list's per-field tag (the slot a record's search type has elsewhere): none needed.
enum class PreferenceKind { kSwitch };
using PreferenceField = fields::FieldSpec<PreferenceKind>;

/// A user's choices: absent = the configured default (stored, and in a PATCH: not given).
struct Preferences {
  std::optional<bool> rating_email;
  std::optional<bool> training_use;
};

template <typename Record, typename Visit>
requires std::same_as<std::remove_const_t<Record>, Preferences>
void ForEachField(Record& p, Visit&& visit) {
  using K = PreferenceKind;
  visit(PreferenceField{"rating_email", "rating_email", K::kSwitch,
                        "whether the periodic e-mail asking to rate recent predictions is sent"},
        p.rating_email);
  visit(PreferenceField{"training_use", "training_use", K::kSwitch,
                        "whether the user's requests may be used for training (dataset exports)"},
        p.training_use);
}

/// The configured defaults ([rating] enabled is not one of them: it stops the job, not the choice).
struct PreferenceDefaults {
  bool rating_email = true;
  bool training_use = true;
};

/// Every field set: the user's choice where there is one, else the default.
Preferences Effective(const Preferences& stored, const PreferenceDefaults& defaults);

/// The user's stored choices (all absent when the user never chose). Throws like IDatabase.
Preferences StoredPreferences(db::IDatabase& db, const std::string& user_id);

/// StoredPreferences, then Effective: what the user's choices amount to now.
Preferences EffectivePreferences(db::IDatabase& db, const std::string& user_id, const PreferenceDefaults& defaults);

/// Sets the fields `patch` has, keeps the others, in one statement (an upsert). The user must
/// exist: kNotFound otherwise. Returns the effective preferences afterwards.
Preferences UpdatePreferences(db::IDatabase& db, const std::string& user_id, const Preferences& patch,
                              const PreferenceDefaults& defaults, std::chrono::system_clock::time_point now);

/// A PATCH body: a JSON object with any of the field list's names, each true or false.
/// Error(kBadRequest) when it is not an object; Error(kUnprocessable) naming an unknown field or
/// one that is not a boolean; an empty object is accepted (changes nothing).
Preferences ParsePreferencesPatch(const nlohmann::json& body);

/// {"rating_email": bool, "training_use": bool}, for Effective's result (every field set; an
/// absent one is left out).
nlohmann::json ToJson(const Preferences& effective);

/// A SQL condition, true when the user whose id is the SQL expression `user_id_sql` (e.g.
/// "requests.user_id"; code, never input) allows the preference `column` (a field list column:
/// "training_use", "rating_email"), the default `default_value` applying where they never chose.
/// Works on SQLite and PostgreSQL alike, inside WHERE or a join; no parameters to bind.
/// Throws Error(kInternal) for a column that is not a preference.
std::string PreferenceAllowsSql(std::string_view column, std::string_view user_id_sql, bool default_value);

/// PreferenceAllowsSql for training_use with the configured default: what dataset exports filter on.
std::string TrainingUseAllowedSql(std::string_view user_id_sql, const PreferenceDefaults& defaults);

}  // namespace faceloop::accounts
