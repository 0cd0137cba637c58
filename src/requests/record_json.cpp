#include "requests/record_json.hpp"

#include <string>

#include "common/field_json.hpp"

namespace faceloop::requests {
namespace {

/// The request record's own encodings on top of the shared ones: the image metadata (an object)
/// and the faces (an array) pass through as JSON.
struct RecordCodec : fields::JsonCodec {
  using JsonCodec::Decode;
  using JsonCodec::Encode;

  static constexpr std::string_view kRecord = "request record";

  /// Fields a record cannot do without; everything else may be absent (older records, failures).
  static bool Required(std::string_view field) {
    return field == "request_id" || field == "received_at" || field == "user_id";
  }

  static nlohmann::json Encode(const nlohmann::json& value) { return value; }
  static void Decode(const fields::JsonField& field, const nlohmann::json& json, nlohmann::json& out) {
    const bool faces = field.name == "faces";
    if (faces ? !json.is_array() : !json.is_object()) fields::WrongType(field, faces ? "an array" : "an object");
    out = json;
  }
};

}  // namespace

nlohmann::json ToJson(const RequestRecord& record) { return fields::ToJson<RecordCodec>(record); }

RequestRecord FromJson(const nlohmann::json& json) { return fields::FromJson<RecordCodec, RequestRecord>(json); }

}  // namespace faceloop::requests
