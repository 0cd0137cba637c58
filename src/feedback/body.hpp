#pragma once
// The JSON body of a feedback request. Like http::JsonBody, but a number too large for a double
// (1e999: valid JSON, and the only way JSON spells a non-finite number) is a 422 naming its field,
// not a 400 for the whole body.
#include <string_view>

#include <nlohmann/json.hpp>

namespace faceloop::feedback {

/// The body as a JSON object ({} when empty). Throws Error(kUnprocessable) "<field>: must be a
/// finite number" for an overflowing number, Error(kBadRequest) for anything else unparseable or a
/// body that is not an object.
nlohmann::json ParseBody(std::string_view text);

}  // namespace faceloop::feedback
