#pragma once
// JSON request bodies.
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/server/message.hpp"

namespace faceloop::http {

/// The request body as a JSON object ({} for an empty body); Error(kBadRequest) when it is not one.
nlohmann::json JsonBody(const Request& request);
/// Error(kUnprocessable) naming the first member of `body` not in `allowed`: a write never lets a
/// caller set what it does not name (role, user_id, id, created_at).
void OnlyMembers(const nlohmann::json& body, std::initializer_list<std::string_view> allowed);
/// The string member `key` of `body`, or "" when absent; Error(kUnprocessable) for another type
/// (null included).
std::string StringField(const nlohmann::json& body, const char* key);

}  // namespace faceloop::http
