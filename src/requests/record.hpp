#pragma once
// The request record: what every detect request leaves behind for analysts and the next model.
// One C++ type and ONE field list (ForEachField). The spool's JSON form, the database columns
// (insert and read), the search-index mapping and the field table of docs/records.md are all
// derived from that list, so adding a field means: the member, its line in ForEachField, a
// migration for the column, and the docs table (a test says when it is stale).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/field_list.hpp"

namespace faceloop::requests {

using Time = std::chrono::system_clock::time_point;

struct RequestRecord {
  std::string request_id;
  Time received_at;
  std::string user_id;
  std::optional<std::string> key_id;
  std::string client_ip;
  std::string user_agent;
  std::int64_t status = 200;
  std::optional<std::string> error_type;
  std::string model_name;
  std::optional<std::string> model_version;
  std::optional<std::string> model_mode;
  double min_confidence = 0;
  bool tiling = false;
  std::optional<std::int64_t> face_count;
  std::optional<double> confidence_min;
  std::optional<double> confidence_mean;
  std::optional<double> confidence_max;
  std::optional<double> decode_ms;
  std::optional<double> inference_ms;
  std::optional<double> total_ms;
  std::optional<std::string> image_key;
  std::optional<std::int64_t> image_bytes;
  nlohmann::json image = nlohmann::json::object();  ///< the engine's ImageMetadata
  nlohmann::json faces = nlohmann::json::array();   ///< faces as in the API response
};

/// How the search index maps a field.
enum class SearchType {
  kKeyword,
  kLongKeyword,  ///< unbounded text (user agents): indexed up to 512 characters
  kDate,
  kIp,
  kInteger,
  kLong,
  kFloat,
  kBoolean,
  kImageObject,  ///< the image metadata object: its listed fields indexed (ImageFields)
  kFaceObjects,  ///< the faces: their listed fields indexed (FaceFields); boxes and landmarks only stored
};

/// A field: its JSON, spool and search-index name, its column of table `requests`, its search
/// type and its line of docs/records.md.
using FieldSpec = fields::FieldSpec<SearchType>;

/// The field list. `visit(const FieldSpec&, member&)` is called once per field, in order;
/// `Record` is RequestRecord or const RequestRecord.
template <typename Record, typename Visit>
void ForEachField(Record& r, Visit&& visit) {
  using S = SearchType;
  visit(FieldSpec{"request_id", "id", S::kKeyword, "time-ordered id (also the index `_id` and the primary key)"},
        r.request_id);
  visit(FieldSpec{"received_at", "received_at", S::kDate, "when the request arrived (UTC, milliseconds)"},
        r.received_at);
  visit(FieldSpec{"user_id", "user_id", S::kKeyword, "who asked"}, r.user_id);
  visit(FieldSpec{"key_id", "key_id", S::kKeyword, "the API key used; absent for session (web UI) requests"}, r.key_id);
  visit(
      FieldSpec{"client_ip", "client_ip", S::kIp, "the peer address; its /24 or /48 with `privacy.truncate_client_ip`"},
      r.client_ip);
  visit(FieldSpec{"user_agent", "user_agent", S::kLongKeyword, "the client's User-Agent (valid UTF-8)"}, r.user_agent);
  visit(FieldSpec{"status", "status", S::kInteger, "200, or the 4xx the client got"}, r.status);
  visit(FieldSpec{"error_type", "error_type", S::kKeyword, "problem `type` slug of a failed request"}, r.error_type);
  visit(FieldSpec{"model_name", "model_name", S::kKeyword, "the detector that answered"}, r.model_name);
  visit(FieldSpec{"model_version", "model_version", S::kKeyword, "its weights' version"}, r.model_version);
  visit(FieldSpec{"model_mode", "model_mode", S::kKeyword, "its mode (`fast`, `accurate`, `crowd`) where it has modes"},
        r.model_mode);
  visit(FieldSpec{"min_confidence", "min_confidence", S::kFloat, "the request's threshold"}, r.min_confidence);
  visit(FieldSpec{"tiling", "tiling", S::kBoolean, "whether the multiscale (crowd) passes were asked for"}, r.tiling);
  visit(FieldSpec{"face_count", "face_count", S::kInteger, "faces returned"}, r.face_count);
  visit(FieldSpec{"confidence_min", "confidence_min", S::kFloat, "lowest confidence (absent without faces)"},
        r.confidence_min);
  visit(FieldSpec{"confidence_mean", "confidence_mean", S::kFloat, "mean confidence (absent without faces)"},
        r.confidence_mean);
  visit(FieldSpec{"confidence_max", "confidence_max", S::kFloat, "highest confidence (absent without faces)"},
        r.confidence_max);
  visit(FieldSpec{"decode_ms", "decode_ms", S::kFloat, "decoding time"}, r.decode_ms);
  visit(FieldSpec{"inference_ms", "inference_ms", S::kFloat, "detection time"}, r.inference_ms);
  visit(FieldSpec{"total_ms", "total_ms", S::kFloat, "the engine's whole time"}, r.total_ms);
  visit(FieldSpec{"image_key", "image_key", S::kKeyword,
                  "where the input is stored (`inputs/YYYY/MM/DD/<request_id>.<ext>`, locally and in S3)"},
        r.image_key);
  visit(FieldSpec{"image_bytes", "image_bytes", S::kLong, "size of the stored input"}, r.image_bytes);
  visit(FieldSpec{"image", "metadata_json", S::kImageObject, "the engine's image metadata (fields below)"}, r.image);
  visit(FieldSpec{"faces", "faces_json", S::kFaceObjects,
                  "boxes, confidences, landmarks, quality, pose and size, as in the API response (fields below)"},
        r.faces);
}

/// An indexed field of an object-valued field: `image` (ImageMetadata's JSON form) or each face
/// (its JSON form in pipeline.cpp). Dotted names ("quality.sharpness") are nested objects.
struct SubFieldSpec {
  std::string_view name;
  SearchType search;
  std::string_view doc;
};
const std::vector<SubFieldSpec>& ImageFields();
/// Indexed per face (an object array: "any face with ..." queries; boxes and landmarks only stored).
const std::vector<SubFieldSpec>& FaceFields();

}  // namespace faceloop::requests
