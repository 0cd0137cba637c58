// POST /v1/detect. Before answering, the input image (object store, group commit) and the request
// record (SQLite, synchronous=FULL) are durable, so every answered request_id can be looked up
// after a crash.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <span>

#include "common/error.hpp"
#include "db/timestamp.hpp"
#include "detect/pipeline.hpp"
#include "http/auth.hpp"
#include "http/problem.hpp"
#include "http/routes.hpp"

namespace faceloop::http {
namespace {

[[noreturn]] void BadParam(const std::string& name, const std::string& why) {
  throw Error(ErrorCode::kUnprocessable, "query parameter " + name + " " + why);
}

double ParseNumber(const std::string& name, const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) BadParam(name, "must be a number");
  return value;
}

struct DetectParams {
  std::string model;
  detect::DetectOptions options;
};

DetectParams ParseParams(const Services& s, const httplib::Request& req) {
  DetectParams params{s.default_model, {}};
  if (req.has_param("min_confidence")) {
    const double value = ParseNumber("min_confidence", req.get_param_value("min_confidence"));
    if (value < 0 || value > 1) BadParam("min_confidence", "must be within 0..1");
    params.options.min_confidence = static_cast<float>(value);
  }
  if (req.has_param("max_faces")) {
    const std::string text = req.get_param_value("max_faces");
    int value = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0)
      BadParam("max_faces", "must be an integer >= 0");
    params.options.max_faces = value;
  }
  if (req.has_param("tiling")) {
    const std::string text = req.get_param_value("tiling");
    if (text != "true" && text != "false" && text != "1" && text != "0") BadParam("tiling", "must be true or false");
    params.options.multiscale = text == "true" || text == "1";
  }
  if (req.has_param("model")) {
    params.model = req.get_param_value("model");
    // Only built-in names: "onnx:<path>" would let a client make the server read arbitrary files.
    const auto names = s.registry->Names();
    if (std::find(names.begin(), names.end(), params.model) == names.end()) BadParam("model", "names no known model");
  }
  return params;
}

/// The image bytes: the multipart field `image` (moved into `part`, since httplib returns parts by
/// value), or the raw body with an image content type.
std::string_view ImageBytes(const httplib::Request& req, std::string& part) {
  if (req.is_multipart_form_data()) {
    if (!req.has_file("image")) throw Error(ErrorCode::kUnprocessable, "multipart body needs a field named image");
    part = req.get_file_value("image").content;
    if (part.empty()) throw Error(ErrorCode::kBadRequest, "the image field is empty");
    return part;
  }
  if (req.body.empty()) throw Error(ErrorCode::kBadRequest, "request body is empty; send an image");
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  if (type != "image/jpeg" && type != "image/png" && type != "image/webp" && type != "application/octet-stream") {
    throw Error(ErrorCode::kUnsupportedMediaType, "send image/jpeg, image/png or image/webp, or multipart field image");
  }
  return req.body;
}

nlohmann::json FacesJson(const std::vector<detect::Face>& faces) {
  nlohmann::json out = nlohmann::json::array();
  for (const detect::Face& face : faces) out.push_back(face);
  return out;
}

struct Outcome {
  detect::DetectionResult result;
  detect::ModelInfo model;
};

void StoreRecord(Services& s, const std::string& id, const accounts::Principal& who, const httplib::Request& req,
                 std::chrono::system_clock::time_point received, const DetectParams& params, const Outcome& outcome,
                 const std::string& image_key, std::size_t image_bytes) {
  const auto& faces = outcome.result.faces;
  db::Value conf_min = nullptr, conf_mean = nullptr, conf_max = nullptr;
  if (!faces.empty()) {
    double lo = 1, hi = 0, sum = 0;
    for (const detect::Face& face : faces) {
      lo = std::min<double>(lo, face.confidence);
      hi = std::max<double>(hi, face.confidence);
      sum += face.confidence;
    }
    conf_min = lo, conf_max = hi, conf_mean = sum / static_cast<double>(faces.size());
  }
  const detect::Timings& t = outcome.result.timing;
  s.db->Execute(
      "INSERT INTO requests (id, user_id, key_id, received_at, client_ip, user_agent, status, model_name, "
      "model_version, min_confidence, face_count, confidence_min, confidence_mean, confidence_max, decode_ms, "
      "inference_ms, total_ms, image_key, image_bytes, metadata_json, output_json) "
      "VALUES (?, ?, ?, ?, ?, ?, 200, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {id,
       who.user_id,
       who.key_id.empty() ? db::Value(nullptr) : db::Value(who.key_id),
       db::FormatTimestamp(received),
       ClientIp(req),
       req.get_header_value("User-Agent"),
       outcome.model.name,
       outcome.model.version,
       static_cast<double>(params.options.min_confidence),
       static_cast<std::int64_t>(faces.size()),
       conf_min,
       conf_mean,
       conf_max,
       t.decode_ms,
       t.inference_ms,
       t.total_ms,
       image_key,
       static_cast<std::int64_t>(image_bytes),
       nlohmann::json(outcome.result.metadata).dump(),
       nlohmann::json{{"faces", FacesJson(faces)}}.dump()});
}

void Detect(Services& s, const httplib::Request& req, httplib::Response& res) {
  const auto received = std::chrono::system_clock::now();
  const accounts::Principal who = Authenticate(*s.accounts, req);
  const DetectParams params = ParseParams(s, req);
  std::string part;
  const std::string_view bytes = ImageBytes(req, part);
  const std::span<const std::uint8_t> data(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  detect::DecodeLimits limits;
  limits.max_bytes = s.config.limits.max_image_bytes;

  Outcome outcome;
  s.pool->Run(params.model, [&](detect::IDetector& detector) {
    outcome.result = detect::RunDetection(detector, data, params.options, limits);
    outcome.model = detector.info();
  });

  const std::string id = s.crypto->NewTimeOrderedId(received);
  const std::string key = storage::InputKey(id, received, outcome.result.metadata.format);
  s.store->Put(key, data);
  StoreRecord(s, id, who, req, received, params, outcome, key, bytes.size());
  s.LogEvent(events::EventType::kDetect, who.user_id, {{"request_id", id}, {"faces", outcome.result.faces.size()}});
  s.metrics.AddFaces(outcome.result.faces.size());

  const detect::DetectionResult& r = outcome.result;
  WriteJson(res, 200,
            {{"request_id", id},
             {"model", {{"name", outcome.model.name}, {"version", outcome.model.version}}},
             {"image", {{"width", r.metadata.width}, {"height", r.metadata.height}, {"format", r.metadata.format}}},
             {"faces", FacesJson(r.faces)},
             {"timing_ms",
              {{"decode", r.timing.decode_ms}, {"inference", r.timing.inference_ms}, {"total", r.timing.total_ms}}}});
}

}  // namespace

void RegisterDetectRoutes(httplib::Server& server, Services& s) {
  server.Post("/v1/detect",
              Guarded(s.metrics, "POST /v1/detect",
                      [&s](const httplib::Request& req, httplib::Response& res) { Detect(s, req, res); }));
}

}  // namespace faceloop::http
