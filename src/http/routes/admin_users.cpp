#include "http/routes/admin_users.hpp"

#include <charconv>

#include "accounts/email.hpp"
#include "common/error.hpp"
#include "http/body.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "http/routes/query_params.hpp"
#include "requests/user_activity.hpp"

namespace faceloop::http {
namespace {

using events::EventType;

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;
constexpr std::size_t kMaxEmailFilter = 254;  // the longest address there can be

accounts::Principal Admin(const AdminUserRoutes& s, const Request& req) {
  accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  if (who.role != accounts::Role::kAdmin) throw Error(ErrorCode::kForbidden, "user management is for admins");
  return who;
}

accounts::UserListQuery ParseQuery(const Request& req) {
  accounts::UserListQuery query;
  query.limit = LimitParam(req, kDefaultLimit, kMaxLimit);
  if (req.HasParam("email")) {
    std::string prefix = req.Param("email");
    if (prefix.size() > kMaxEmailFilter) BadQueryParam("email", "must be at most 254 characters");
    for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));  // stored lowercase
    if (!prefix.empty()) query.email_prefix = prefix;
  }
  if (req.HasParam("role")) {
    try {
      query.role = accounts::ParseRole(req.Param("role"));
    } catch (const Error&) {
      BadQueryParam("role", "must be user, analyst or admin");
    }
  }
  if (req.HasParam("cursor")) query.after_email = req.Param("cursor");
  return query;
}

/// A listed user as JSON: the summary's fields (its field list), then its request activity.
nlohmann::json SummaryJson(const accounts::UserSummary& user, const requests::UserActivityTotals* activity) {
  nlohmann::json json = nlohmann::json::object();
  ForEachField(user, [&json](const accounts::UserField& field, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<T, accounts::Role>) {
      json[std::string(field.name)] = accounts::RoleName(value);
    } else {
      json[std::string(field.name)] = value;
    }
  });
  json["request_count"] = activity ? activity->request_count : 0;
  json["last_request_at"] = activity ? nlohmann::json(activity->last_request_at) : nlohmann::json();
  return json;
}

void List(const AdminUserRoutes& s, const Request& req, Response& res) {
  Admin(s, req);
  const accounts::UserListQuery query = ParseQuery(req);
  const std::vector<accounts::UserSummary> users = s.users.List(query);
  std::vector<std::string> ids;
  ids.reserve(users.size());
  for (const auto& user : users) ids.push_back(user.id);
  s.read_your_writes();
  const auto activity = requests::ActivityOf(s.database, ids);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& user : users) {
    const auto it = activity.find(user.id);
    items.push_back(SummaryJson(user, it == activity.end() ? nullptr : &it->second));
  }
  const bool more = static_cast<int>(users.size()) == query.limit;
  WriteJson(res, 200,
            {{"users", items}, {"next_cursor", more ? nlohmann::json(users.back().email) : nlohmann::json()}});
}

accounts::Role RoleField(const nlohmann::json& body) {
  const auto it = body.find("role");
  if (it == body.end() || !it->is_string()) throw Error(ErrorCode::kUnprocessable, "role: required, a string");
  try {
    return accounts::ParseRole(it->get<std::string>());
  } catch (const Error&) {
    throw Error(ErrorCode::kUnprocessable, "role: must be user, analyst or admin");
  }
}

void ChangeRole(const AdminUserRoutes& s, const Request& req, Response& res) {
  const accounts::Principal admin = Admin(s, req);
  const accounts::Role role = RoleField(JsonBody(req));
  const accounts::RoleChange change = s.users.ChangeRole(req.path_params.at(0), role);
  if (change.previous != role) {
    s.events.Log(
        EventType::kRoleChanged, change.user.id,
        {{"from", accounts::RoleName(change.previous)}, {"to", accounts::RoleName(role)}, {"admin_id", admin.user_id}});
  }
  const auto& user = change.user;
  WriteJson(res, 200,
            {{"id", user.id},
             {"email", user.email},
             {"name", user.name},
             {"role", accounts::RoleName(user.role)},
             {"created_at", user.created_at}});
}

void Delete(const AdminUserRoutes& s, const Request& req, Response& res) {
  const accounts::Principal admin = Admin(s, req);
  const std::string& user_id = req.path_params.at(0);
  s.users.PrepareDeletion(admin.user_id, user_id);
  const std::size_t images = s.delete_account(user_id);
  s.events.Log(EventType::kAccountDeleted, user_id, {{"images_deleted", images}, {"admin_id", admin.user_id}});
  res.status = 204;
}

}  // namespace

void RegisterAdminUserRoutes(Router& router, HttpMetrics& metrics, const AdminUserRoutes& routes) {
  auto add = [&router, &metrics, routes](const char* method, const char* pattern,
                                         void (*fn)(const AdminUserRoutes&, const Request&, Response&)) {
    router.Add(method, pattern,
               Guard(metrics, std::string(method) + " " + pattern,
                     [routes, fn](const Request& req, Response& res) { fn(routes, req, res); }));
  };
  add("GET", "/v1/admin/users", List);
  add("PATCH", "/v1/admin/users/{id}", ChangeRole);
  add("DELETE", "/v1/admin/users/{id}", Delete);
}

}  // namespace faceloop::http
