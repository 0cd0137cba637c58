#include "http/body.hpp"

#include "common/error.hpp"

namespace faceloop::http {

nlohmann::json JsonBody(const Request& request) {
  if (request.body.empty()) return nlohmann::json::object();
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) throw Error(ErrorCode::kBadRequest, "request body must be a JSON object");
  return body;
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
