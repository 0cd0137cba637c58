#include "http/body.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "http/cookie_writes.hpp"

namespace faceloop::http {

nlohmann::json JsonBody(const Request& request) {
  if (request.body.empty()) return nlohmann::json::object();
  // A browser page may send a text/plain or form body anywhere; with the cookie, only JSON is JSON.
  if (AuthenticatesWithCookie(request) && MediaType(request.Header("Content-Type")) != "application/json") {
    throw Error(ErrorCode::kUnsupportedMediaType, "Content-Type must be application/json");
  }
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) throw Error(ErrorCode::kBadRequest, "request body must be a JSON object");
  return body;
}

void OnlyMembers(const nlohmann::json& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      throw Error(ErrorCode::kUnprocessable, name + ": unknown field");
    }
  }
}

std::string StringField(const nlohmann::json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end()) return {};
  // null is refused like any other non-string: the OpenAPI document says `type: string`, and a
  // client that sends null meant something this route cannot guess.
  if (!it->is_string()) throw Error(ErrorCode::kUnprocessable, std::string(key) + " must be a string");
  return it->get<std::string>();
}

}  // namespace faceloop::http
