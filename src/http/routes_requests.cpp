// The request history: own records for users; analysts and admins may read everyone's (?user_id
// narrows). Records of others are 404, never 403, so ids cannot be probed.
#include <charconv>
#include <cstdlib>

#include "common/error.hpp"
#include "db/timestamp.hpp"
#include "events/event.hpp"
#include "http/auth.hpp"
#include "http/problem.hpp"
#include "http/routes.hpp"

namespace faceloop::http {
namespace {

constexpr const char* kColumns =
    "id, user_id, received_at, status, model_name, model_version, min_confidence, face_count, confidence_min, "
    "confidence_mean, confidence_max, decode_ms, inference_ms, total_ms, image_bytes, metadata_json, output_json, "
    "image_key, error_type, tiling";
constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;

nlohmann::json Nullable(const db::Row& row, std::size_t column) {
  if (row.IsNull(column)) return nullptr;
  return row.Get<double>(column);
}

nlohmann::json RecordJson(const db::Row& row, bool full) {
  const std::string id = row.Get<std::string>(0);
  nlohmann::json json = {
      {"id", id},
      {"user_id", row.Get<std::optional<std::string>>(1).value_or("")},
      {"received_at", row.Get<std::optional<std::string>>(2).value_or("")},
      {"status", row.Get<std::optional<std::int64_t>>(3).value_or(0)},
      {"model",
       {{"name", row.Get<std::optional<std::string>>(4).value_or("")},
        {"version", row.Get<std::optional<std::string>>(5).value_or("")}}},
      {"min_confidence", Nullable(row, 6)},
      {"face_count", row.Get<std::optional<std::int64_t>>(7).value_or(0)},
      {"confidence", {{"min", Nullable(row, 8)}, {"mean", Nullable(row, 9)}, {"max", Nullable(row, 10)}}},
      {"timing_ms", {{"decode", Nullable(row, 11)}, {"inference", Nullable(row, 12)}, {"total", Nullable(row, 13)}}},
      {"image",
       {{"bytes", row.Get<std::optional<std::int64_t>>(14).value_or(0)}, {"url", "/v1/requests/" + id + "/image"}}},
      {"error_type", row.IsNull(18) ? nlohmann::json(nullptr) : nlohmann::json(row.Get<std::string>(18))},
      {"tiling", row.IsNull(19) ? nlohmann::json(nullptr) : nlohmann::json(row.Get<std::int64_t>(19) != 0)}};
  if (full) {
    json["metadata"] = nlohmann::json::parse(row.Get<std::optional<std::string>>(15).value_or("null"));
    json["faces"] = nlohmann::json::parse(row.Get<std::optional<std::string>>(16).value_or("{}"))
                        .value("faces", nlohmann::json::array());
  }
  return json;
}

[[noreturn]] void BadParam(const std::string& name, const std::string& why) {
  throw Error(ErrorCode::kUnprocessable, "query parameter " + name + " " + why);
}

double NumberParam(const httplib::Request& req, const char* name) {
  const std::string text = req.get_param_value(name);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) BadParam(name, "must be a number");
  return value;
}

std::string TimeParam(const httplib::Request& req, const char* name) {
  try {
    return db::FormatTimestamp(events::ParseTimestamp(req.get_param_value(name)));
  } catch (const Error&) {
    BadParam(name, "must be an RFC 3339 UTC time like 2024-05-01T12:00:00Z");
  }
}

int LimitParam(const httplib::Request& req) {
  if (!req.has_param("limit")) return kDefaultLimit;
  const std::string text = req.get_param_value("limit");
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > kMaxLimit) {
    BadParam("limit", "must be an integer within 1..100");
  }
  return value;
}

/// The WHERE clause and its parameters for a listing.
void AddFilters(const accounts::Principal& who, const httplib::Request& req, std::string& where, db::Params& params) {
  auto add = [&](const char* clause, db::Value value) {
    where += where.empty() ? " WHERE " : " AND ";
    where += clause;
    params.push_back(std::move(value));
  };
  if (!CanReadAll(who)) {
    add("user_id = ?", who.user_id);
  } else if (req.has_param("user_id")) {
    add("user_id = ?", req.get_param_value("user_id"));
  }
  if (req.has_param("cursor")) add("id < ?", req.get_param_value("cursor"));
  if (req.has_param("from")) add("received_at >= ?", TimeParam(req, "from"));
  if (req.has_param("to")) add("received_at < ?", TimeParam(req, "to"));
  if (req.has_param("min_confidence")) add("confidence_max >= ?", NumberParam(req, "min_confidence"));
  if (req.has_param("max_confidence")) add("confidence_max <= ?", NumberParam(req, "max_confidence"));
}

void List(Services& s, const httplib::Request& req, httplib::Response& res) {
  const accounts::Principal who = s.auth_cache->Authenticate(*s.accounts, req);
  const int limit = LimitParam(req);
  s.WaitForDatabase();  // the client's own detects, answered a moment ago, are in the history
  std::string where;
  db::Params params;
  AddFilters(who, req, where, params);
  params.emplace_back(static_cast<std::int64_t>(limit));
  const auto rows =
      s.db->Query(std::string("SELECT ") + kColumns + " FROM requests" + where + " ORDER BY id DESC LIMIT ?", params);
  nlohmann::json items = nlohmann::json::array();
  for (const db::Row& row : rows) items.push_back(RecordJson(row, false));
  const bool more = static_cast<int>(rows.size()) == limit;
  WriteJson(res, 200,
            {{"requests", items},
             {"next_cursor", more ? nlohmann::json(rows.back().Get<std::string>(0)) : nlohmann::json()}});
}

/// The record `id` if the principal may see it; kNotFound otherwise.
db::Row FindVisible(Services& s, const accounts::Principal& who, const std::string& id) {
  s.WaitForDatabase();
  auto row = s.db->QueryOne(std::string("SELECT ") + kColumns + " FROM requests WHERE id = ? LIMIT 1", {id});
  if (!row || (!CanReadAll(who) && row->Get<std::optional<std::string>>(1) != who.user_id)) {
    throw Error(ErrorCode::kNotFound, "no such request");
  }
  return *row;
}

void Image(Services& s, const httplib::Request& req, httplib::Response& res) {
  const db::Row row = FindVisible(s, s.auth_cache->Authenticate(*s.accounts, req), req.matches[1]);
  const auto key = row.Get<std::optional<std::string>>(17);
  const auto bytes = key ? s.store->Get(*key) : std::nullopt;
  if (!bytes) throw Error(ErrorCode::kNotFound, "the image of this request is no longer stored");
  const std::string format = nlohmann::json::parse(row.Get<std::string>(15)).value("format", "jpeg");
  res.set_content(std::string(bytes->begin(), bytes->end()), "image/" + format);
}

}  // namespace

void RegisterRequestRoutes(httplib::Server& server, Services& s) {
  Metrics& m = s.metrics;
  server.Get("/v1/requests", Guarded(m, "GET /v1/requests", [&s](const auto& req, auto& res) { List(s, req, res); }));
  server.Get(R"(/v1/requests/([A-Za-z0-9]+))",
             Guarded(m, "GET /v1/requests/{id}", [&s](const httplib::Request& req, httplib::Response& res) {
               WriteJson(
                   res, 200,
                   RecordJson(FindVisible(s, s.auth_cache->Authenticate(*s.accounts, req), req.matches[1]), true));
             }));
  server.Get(R"(/v1/requests/([A-Za-z0-9]+)/image)",
             Guarded(m, "GET /v1/requests/{id}/image", [&s](const auto& req, auto& res) { Image(s, req, res); }));
}

}  // namespace faceloop::http
