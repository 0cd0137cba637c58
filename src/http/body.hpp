#pragma once
// JSON request bodies.
#include <string>

#include <nlohmann/json.hpp>

#include "http/server/message.hpp"

namespace faceloop::http {

/// The request body as a JSON object ({} for an empty body); Error(kBadRequest) when it is not one.
nlohmann::json JsonBody(const Request& request);
/// The string member `key` of `body`, or "" when absent; Error(kUnprocessable) for another type
/// (null included).
std::string StringField(const nlohmann::json& body, const char* key);

}  // namespace faceloop::http
