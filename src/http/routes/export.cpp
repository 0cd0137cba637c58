// GET /v1/me/export (export.hpp). A page holds one part's items; the parts come in a fixed order
// (records, feedback, events) and the cursor says which part and where in it: "<part>:<id>".
#include "http/routes/export.hpp"

#include <array>
#include <charconv>

#include "common/error.hpp"
#include "common/time.hpp"
#include "events/user_events.hpp"
#include "feedback/feedback_json.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "http/routes/account_json.hpp"
#include "http/routes/query_params.hpp"
#include "requests/record_json.hpp"

namespace faceloop::http {
namespace {

constexpr int kDefaultLimit = 200;
constexpr int kMaxLimit = 1000;
constexpr std::array<std::string_view, 3> kParts = {"records", "feedback", "events"};

struct Cursor {
  std::size_t part = 0;              ///< index in kParts
  std::optional<std::string> after;  ///< the last id of the previous page of this part
};

Cursor ParseCursor(const Request& req) {
  if (!req.HasParam("cursor")) return {};
  const std::string text = req.Param("cursor");
  const std::size_t colon = text.find(':');
  for (std::size_t i = 0; colon != std::string::npos && i < kParts.size(); ++i) {
    if (text.compare(0, colon, kParts[i]) != 0) continue;
    const std::string id = text.substr(colon + 1);
    return {i, id.empty() ? std::nullopt : std::optional<std::string>(id)};
  }
  BadQueryParam("cursor", "must be a next_cursor this route returned");
}

/// A record as exported: every field of the record except where its image is kept (an internal
/// path); the image is reachable at its URL while it is retained.
nlohmann::json ExportedRecord(const requests::RequestRecord& record) {
  nlohmann::json json = requests::ToJson(record);
  json.erase("image_key");
  json["image_url"] =
      record.image_key ? nlohmann::json("/v1/requests/" + record.request_id + "/image") : nlohmann::json(nullptr);
  return json;
}

/// One page of the part `cursor` names: the items and the last id, when the page is full.
nlohmann::json PartItems(const ExportRoutes& s, const std::string& user_id, const Cursor& cursor, int limit,
                         std::optional<std::string>& last_id) {
  nlohmann::json items = nlohmann::json::array();
  if (kParts[cursor.part] == "records") {
    requests::ListQuery query;  // newest first, like the history: `after` is the smallest id so far
    query.user_id = user_id;
    query.before_id = cursor.after;
    query.limit = limit;
    for (const auto& record : s.requests.List(query)) {
      items.push_back(ExportedRecord(record));
      last_id = record.request_id;
    }
  } else if (kParts[cursor.part] == "feedback") {
    for (const auto& given : s.feedback.ListGivenBy(user_id, cursor.after, limit)) {
      items.push_back(feedback::ToJson(given));
      last_id = given.request_id;
    }
  } else {
    for (const auto& event : events::ListUserEvents(s.events, user_id, cursor.after, limit)) {
      items.push_back(event);
      last_id = event.id;
    }
  }
  if (static_cast<int>(items.size()) < limit) last_id.reset();
  return items;
}

nlohmann::json NextCursor(const Cursor& cursor, const std::optional<std::string>& last_id) {
  if (last_id) return std::string(kParts[cursor.part]) + ":" + *last_id;
  if (cursor.part + 1 < kParts.size()) return std::string(kParts[cursor.part + 1]) + ":";
  return nullptr;
}

nlohmann::json AccountJson(const ExportRoutes& s, const std::string& user_id) {
  nlohmann::json keys = nlohmann::json::array();
  for (const accounts::KeyInfo& key : s.accounts.ListKeys(user_id)) keys.push_back(KeyInfoJson(key));
  nlohmann::json account = {{"user", UserJson(s.accounts.GetUser(user_id))}, {"keys", keys}};
  // Training sets made with the user's images: what account deletion cannot reach back into.
  if (s.dataset_exports) account["dataset_exports"] = s.dataset_exports(user_id);
  return account;
}

void Export(const ExportRoutes& s, const Request& req, Response& res) {
  const accounts::Principal principal = s.auth.Authenticate(ParseCredentials(req));
  const Cursor cursor = ParseCursor(req);
  const int limit = LimitParam(req, kDefaultLimit, kMaxLimit);
  s.read_your_writes();
  nlohmann::json page = {{"format", "faceloop-export/1"},
                         {"exported_at", FormatTimestamp(std::chrono::system_clock::now())},
                         {"part", std::string(kParts[cursor.part])}};
  // The account and its keys come once, on the first page.
  if (!req.HasParam("cursor")) page["account"] = AccountJson(s, principal.user_id);
  std::optional<std::string> last_id;
  page["items"] = PartItems(s, principal.user_id, cursor, limit, last_id);
  page["next_cursor"] = NextCursor(cursor, last_id);
  WriteJson(res, 200, page);
}

}  // namespace

void RegisterExportRoutes(Router& router, HttpMetrics& metrics, const ExportRoutes& routes) {
  router.Add("GET", "/v1/me/export", Guard(metrics, "GET /v1/me/export", [routes](const Request& req, Response& res) {
               Export(routes, req, res);
             }));
}

}  // namespace faceloop::http
