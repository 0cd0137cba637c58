#include "labels/store.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/time.hpp"
#include "db/typed_row.hpp"

namespace faceloop::labels {
namespace {

/// Labels' own column encodings: the source as its name, the boxes as JSON text.
struct LabelRowCodec : db::RowCodec {
  using RowCodec::FromValue;
  using RowCodec::ToValue;

  static db::Value ToValue(Source source) { return std::string(ToString(source)); }
  static db::Value ToValue(const std::vector<LabelBox>& boxes) {
    nlohmann::json json = nlohmann::json::array();
    for (const LabelBox& b : boxes) {
      json.push_back({{"x", b.x}, {"y", b.y}, {"width", b.width}, {"height", b.height}, {"ignore", b.ignore}});
    }
    return json.dump();
  }
  static void FromValue(const db::Row& row, std::size_t at, std::string_view column, Source& out) {
    out = ParseSource(row.Get<std::string>(at), column);
  }
  static void FromValue(const db::Row& row, std::size_t at, std::string_view, std::vector<LabelBox>& out) {
    const auto json = nlohmann::json::parse(row.Get<std::string>(at), nullptr, /*allow_exceptions=*/false);
    if (!json.is_array()) throw Error(ErrorCode::kInternal, "labels: boxes_json does not hold a JSON list");
    for (const auto& b : json) {
      out.push_back({b.value("x", 0.0), b.value("y", 0.0), b.value("width", 0.0), b.value("height", 0.0),
                     b.value("ignore", false)});
    }
  }
  static void NullInRequired(std::string_view column) {
    throw Error(ErrorCode::kInternal, "labels: NULL in required column " + std::string(column));
  }
};

const Label kLabel{};
const LabelImport kImport{};

const std::string& SelectLabels() {
  static const std::string sql = "SELECT " + db::ColumnList(kLabel) + " FROM labels";
  return sql;
}

std::vector<Label> LabelsOf(const std::vector<db::Row>& rows) {
  std::vector<Label> labels;
  labels.reserve(rows.size());
  for (const db::Row& row : rows) labels.push_back(db::FromRow<LabelRowCodec, Label>(row));
  return labels;
}

/// Inserts `label` unless the same content is stored; returns whether it was new.
bool Insert(db::IDatabase& tx, const Label& label) {
  static const std::string sql = "INSERT INTO labels (" + db::ColumnList(kLabel) + ") VALUES (" +
                                 db::Placeholders(kLabel) +
                                 ") ON CONFLICT (request_id, source, annotator, version) DO NOTHING";
  return tx.Execute(sql, db::ToParams<LabelRowCodec>(label)) > 0;
}

bool Exists(db::IDatabase& tx, const Label& label) {
  return tx
      .QueryOne("SELECT 1 FROM labels WHERE request_id = ? AND source = ? AND annotator = ? AND version = ? LIMIT 1",
                {label.request_id, std::string(ToString(label.source)), label.annotator, label.version})
      .has_value();
}

}  // namespace

CommitResult LabelStore::Commit(LabelImport import, std::vector<Label> labels) {
  CommitResult result;
  database_.Transaction([&](db::IDatabase& tx) {
    result = {};
    std::vector<const Label*> fresh;
    for (Label& label : labels) {
      label.import_id = import.id;
      label.imported_at = import.created_at;
      if (Exists(tx, label)) {
        ++result.unchanged;
      } else {
        fresh.push_back(&label);
      }
    }
    if (fresh.empty()) return;  // nothing new: no import row either
    import.unchanged = result.unchanged;
    import.stored = static_cast<std::int64_t>(fresh.size());
    tx.Execute("INSERT INTO label_imports (" + db::ColumnList(kImport) + ") VALUES (" + db::Placeholders(kImport) + ")",
               db::ToParams<LabelRowCodec>(import));
    // Two labels of one file with the same content (a duplicated task) are stored once.
    for (const Label* label : fresh) result.stored += Insert(tx, *label) ? 1 : 0;
    result.unchanged += import.stored - result.stored;
    if (result.stored != import.stored) {
      tx.Execute("UPDATE label_imports SET stored = ?, unchanged = ? WHERE id = ?",
                 {result.stored, result.unchanged, import.id});
    }
  });
  return result;
}

std::vector<Label> LabelStore::ForRequest(const std::string& request_id) {
  return LabelsOf(
      database_.Query(SelectLabels() + " WHERE request_id = ? ORDER BY imported_at, annotator, version", {request_id}));
}

std::vector<Label> LabelStore::Current() {
  // NULL labelled_at sorts first in SQLite and last in PostgreSQL: COALESCE makes both put it first.
  const std::string sql =
      SelectLabels() + " ORDER BY request_id, COALESCE(labelled_at, ''), imported_at, annotator, version";
  std::vector<Label> current;
  for (Label& label : LabelsOf(database_.Query(sql))) {
    if (!current.empty() && current.back().request_id == label.request_id) {
      current.back() = std::move(label);  // a newer one of the same request
    } else {
      current.push_back(std::move(label));
    }
  }
  return current;
}

std::int64_t LabelStore::PurgeRequestsOf(const std::string& user_id) {
  // Labels carry no user id of their own (the request has it): the one read of `requests` here.
  return database_.Execute("DELETE FROM labels WHERE request_id IN (SELECT id FROM requests WHERE user_id = ?)",
                           {user_id});
}

std::vector<LabelImport> LabelStore::Imports(int limit) {
  std::vector<LabelImport> imports;
  for (const db::Row& row : database_.Query(
           "SELECT " + db::ColumnList(kImport) + " FROM label_imports ORDER BY created_at DESC, id DESC LIMIT ?",
           {static_cast<std::int64_t>(limit)})) {
    imports.push_back(db::FromRow<LabelRowCodec, LabelImport>(row));
  }
  return imports;
}

}  // namespace faceloop::labels
