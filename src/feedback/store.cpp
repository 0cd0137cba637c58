#include "feedback/store.hpp"

#include <type_traits>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/time.hpp"
#include "feedback/feedback_json.hpp"

namespace faceloop::feedback {
namespace {

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

db::Value ToValue(const std::string& value) { return value; }
db::Value ToValue(std::int64_t value) { return value; }
db::Value ToValue(const Time& value) { return FormatTimestamp(value); }
db::Value ToValue(Verdict value) { return std::string(ToString(value)); }
db::Value ToValue(Channel value) { return std::string(ToString(value)); }
db::Value ToValue(const std::vector<std::int64_t>& value) { return nlohmann::json(value).dump(); }
db::Value ToValue(const std::vector<Box>& value) { return nlohmann::json(value).dump(); }

[[noreturn]] void BadColumn(std::string_view column) {
  throw Error(ErrorCode::kInternal, "feedback: column " + std::string(column) + " holds an unreadable value");
}

nlohmann::json JsonColumn(const db::Row& row, std::size_t at, std::string_view column) {
  auto json = nlohmann::json::parse(row.Get<std::string>(at), nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) BadColumn(column);
  return json;
}

void FromValue(const db::Row& row, std::size_t at, std::string_view, std::string& out) {
  out = row.Get<std::string>(at);
}
void FromValue(const db::Row& row, std::size_t at, std::string_view, std::int64_t& out) {
  out = row.Get<std::int64_t>(at);
}
void FromValue(const db::Row& row, std::size_t at, std::string_view, Time& out) {
  out = ParseTimestamp(row.Get<std::string>(at));
}
void FromValue(const db::Row& row, std::size_t at, std::string_view column, Verdict& out) {
  const auto verdict = ParseVerdict(row.Get<std::string>(at));
  if (!verdict) BadColumn(column);
  out = *verdict;
}
void FromValue(const db::Row& row, std::size_t at, std::string_view column, Channel& out) {
  const auto channel = ParseChannel(row.Get<std::string>(at));
  if (!channel) BadColumn(column);
  out = *channel;
}
void FromValue(const db::Row& row, std::size_t at, std::string_view column, std::vector<std::int64_t>& out) {
  out.clear();
  for (const auto& item : JsonColumn(row, at, column)) {
    if (!item.is_number_integer()) BadColumn(column);
    out.push_back(item.get<std::int64_t>());
  }
}
void FromValue(const db::Row& row, std::size_t at, std::string_view column, std::vector<Box>& out) {
  try {
    out = JsonColumn(row, at, column).get<std::vector<Box>>();
  } catch (const Error&) {
    BadColumn(column);
  }
}

const Feedback kShape{};  // only its field list is used

/// Columns a replacement leaves alone: the key, and when the feedback was first given.
bool KeptOnReplace(std::string_view column) {
  return column == "request_id" || column == "user_id" || column == "created_at";
}

const std::string& ColumnList() {
  static const std::string columns = [] {
    std::string list;
    ForEachField(kShape, [&list](const FieldSpec& field, const auto&) {
      list += (list.empty() ? "" : ", ") + std::string(field.column);
    });
    return list;
  }();
  return columns;
}

const std::string& UpsertSql() {
  static const std::string sql = [] {
    std::string marks;
    std::string updates;
    ForEachField(kShape, [&](const FieldSpec& field, const auto&) {
      marks += marks.empty() ? "?" : ", ?";
      if (KeptOnReplace(field.column)) return;
      const std::string column(field.column);
      updates += (updates.empty() ? "" : ", ") + column + " = excluded." + column;
    });
    return "INSERT INTO feedback (" + ColumnList() + ") VALUES (" + marks +
           ") ON CONFLICT (request_id, user_id) DO UPDATE SET " + updates;
  }();
  return sql;
}

const std::string& SelectSql() {
  static const std::string sql = "SELECT " + ColumnList() + " FROM feedback";
  return sql;
}

db::Params ToParams(const Feedback& feedback) {
  db::Params params;
  ForEachField(feedback, [&params](const FieldSpec&, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (IsOptional<T>::value) {
      params.push_back(value ? ToValue(*value) : db::Value(nullptr));
    } else {
      params.push_back(ToValue(value));
    }
  });
  return params;
}

Feedback FromRow(const db::Row& row) {
  Feedback feedback;
  std::size_t column = 0;
  ForEachField(feedback, [&row, &column](const FieldSpec& field, auto& value) {
    using T = std::decay_t<decltype(value)>;
    const std::size_t at = column++;
    if (row.IsNull(at)) {
      if constexpr (!IsOptional<T>::value) BadColumn(field.column);
      return;
    }
    if constexpr (IsOptional<T>::value) {
      typename T::value_type read{};
      FromValue(row, at, field.column, read);
      value = std::move(read);
    } else {
      FromValue(row, at, field.column, value);
    }
  });
  return feedback;
}

}  // namespace

void FeedbackStore::Upsert(db::IDatabase& tx, const Feedback& feedback) { tx.Execute(UpsertSql(), ToParams(feedback)); }

std::optional<Feedback> FeedbackStore::FindIn(db::IDatabase& database, const std::string& request_id,
                                              const std::string& user_id) {
  const auto row =
      database.QueryOne(SelectSql() + " WHERE request_id = ? AND user_id = ? LIMIT 1", {request_id, user_id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

Feedback FeedbackStore::Save(const Feedback& feedback) {
  std::optional<Feedback> stored;
  database_.Transaction([&](db::IDatabase& tx) {
    Upsert(tx, feedback);
    stored = FindIn(tx, feedback.request_id, feedback.user_id);
  });
  if (!stored) throw Error(ErrorCode::kInternal, "feedback: a saved feedback cannot be read back");
  return std::move(*stored);
}

Feedback FeedbackStore::SaveWithToken(const Feedback& feedback, const std::string& token_id, Time token_expires_at) {
  std::optional<Feedback> stored;
  database_.Transaction([&](db::IDatabase& tx) {
    // The primary key makes the token one-time, across processes: a second use conflicts here.
    if (tx.QueryOne("SELECT 1 FROM feedback_tokens_used WHERE token_id = ?", {token_id})) {
      throw Error(ErrorCode::kConflict, "this feedback link was already used");
    }
    tx.Execute("INSERT INTO feedback_tokens_used (token_id, used_at, expires_at) VALUES (?, ?, ?)",
               {token_id, FormatTimestamp(feedback.updated_at), FormatTimestamp(token_expires_at)});
    Upsert(tx, feedback);
    stored = FindIn(tx, feedback.request_id, feedback.user_id);
  });
  if (!stored) throw Error(ErrorCode::kInternal, "feedback: a saved feedback cannot be read back");
  return std::move(*stored);
}

std::optional<Feedback> FeedbackStore::Find(const std::string& request_id, const std::string& user_id) {
  return FindIn(database_, request_id, user_id);
}

std::vector<Feedback> FeedbackStore::ListForRequest(const std::string& request_id) {
  std::vector<Feedback> list;
  for (const db::Row& row :
       database_.Query(SelectSql() + " WHERE request_id = ? ORDER BY created_at, user_id", {request_id})) {
    list.push_back(FromRow(row));
  }
  return list;
}

bool FeedbackStore::Delete(const std::string& request_id, const std::string& user_id) {
  return database_.Execute("DELETE FROM feedback WHERE request_id = ? AND user_id = ?", {request_id, user_id}) > 0;
}

std::int64_t FeedbackStore::PurgeUser(const std::string& user_id) {
  return database_.Execute("DELETE FROM feedback WHERE user_id = ? OR request_user_id = ?", {user_id, user_id});
}

std::int64_t FeedbackStore::ForgetExpiredTokens(Time now) {
  return database_.Execute("DELETE FROM feedback_tokens_used WHERE expires_at < ?", {FormatTimestamp(now)});
}

}  // namespace faceloop::feedback
