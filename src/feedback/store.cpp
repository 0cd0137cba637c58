#include "feedback/store.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/time.hpp"
#include "db/typed_row.hpp"
#include "feedback/feedback_json.hpp"

namespace faceloop::feedback {
namespace {

[[noreturn]] void BadColumn(std::string_view column) {
  throw Error(ErrorCode::kInternal, "feedback: column " + std::string(column) + " holds an unreadable value");
}

nlohmann::json JsonColumn(const db::Row& row, std::size_t at, std::string_view column) {
  auto json = nlohmann::json::parse(row.Get<std::string>(at), nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) BadColumn(column);
  return json;
}

/// The feedback's own column encodings on top of the shared ones: the enums by name, the face
/// lists as JSON text. Every non-optional column must hold a readable value.
struct FeedbackRowCodec : db::RowCodec {
  using RowCodec::FromValue;
  using RowCodec::ToValue;

  static db::Value ToValue(Verdict value) { return std::string(ToString(value)); }
  static db::Value ToValue(Channel value) { return std::string(ToString(value)); }
  static db::Value ToValue(const std::vector<std::int64_t>& value) { return nlohmann::json(value).dump(); }
  static db::Value ToValue(const std::vector<Box>& value) { return nlohmann::json(value).dump(); }

  static void FromValue(const db::Row& row, std::size_t at, std::string_view column, Verdict& out) {
    const auto verdict = ParseVerdict(row.Get<std::string>(at));
    if (!verdict) BadColumn(column);
    out = *verdict;
  }
  static void FromValue(const db::Row& row, std::size_t at, std::string_view column, Channel& out) {
    const auto channel = ParseChannel(row.Get<std::string>(at));
    if (!channel) BadColumn(column);
    out = *channel;
  }
  static void FromValue(const db::Row& row, std::size_t at, std::string_view column, std::vector<std::int64_t>& out) {
    out.clear();
    for (const auto& item : JsonColumn(row, at, column)) {
      if (!item.is_number_integer()) BadColumn(column);
      out.push_back(item.get<std::int64_t>());
    }
  }
  static void FromValue(const db::Row& row, std::size_t at, std::string_view column, std::vector<Box>& out) {
    try {
      out = JsonColumn(row, at, column).get<std::vector<Box>>();
    } catch (const Error&) {
      BadColumn(column);
    }
  }
  static void NullInRequired(std::string_view column) { BadColumn(column); }
};

const Feedback kShape{};  // only its field list is used

/// Columns a replacement leaves alone: the key, and when the feedback was first given.
bool KeptOnReplace(std::string_view column) {
  return column == "request_id" || column == "user_id" || column == "created_at";
}

const std::string& ColumnList() {
  static const std::string columns = db::ColumnList(kShape);
  return columns;
}

const std::string& UpsertSql() {
  static const std::string sql = [] {
    std::string updates;
    ForEachField(kShape, [&updates](const FieldSpec& field, const auto&) {
      if (KeptOnReplace(field.column)) return;
      const std::string column(field.column);
      updates += (updates.empty() ? "" : ", ") + column + " = excluded." + column;
    });
    return "INSERT INTO feedback (" + ColumnList() + ") VALUES (" + db::Placeholders(kShape) +
           ") ON CONFLICT (request_id, user_id) DO UPDATE SET " + updates;
  }();
  return sql;
}

const std::string& SelectSql() {
  static const std::string sql = "SELECT " + ColumnList() + " FROM feedback";
  return sql;
}

Feedback FromRow(const db::Row& row) { return db::FromRow<FeedbackRowCodec, Feedback>(row); }

}  // namespace

void FeedbackStore::Upsert(db::IDatabase& tx, const Feedback& feedback) {
  tx.Execute(UpsertSql(), db::ToParams<FeedbackRowCodec>(feedback));
}

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

std::vector<Feedback> FeedbackStore::ListGivenBy(const std::string& user_id,
                                                 const std::optional<std::string>& after_request_id, int limit) {
  std::vector<Feedback> list;
  for (const db::Row& row :
       database_.Query(SelectSql() + " WHERE user_id = ? AND request_id > ? ORDER BY request_id LIMIT ?",
                       {user_id, after_request_id.value_or(""), std::int64_t{limit}})) {
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
