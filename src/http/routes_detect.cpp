// POST /v1/detect. Before answering, the input image (local object store) and the request record
// (the spool) are durable, both group-committed, so every answered request_id reaches the backends
// even after a crash.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <span>

#include "common/error.hpp"
#include "db/timestamp.hpp"
#include "detect/pipeline.hpp"
#include "events/records.hpp"
#include "http/auth.hpp"
#include "http/client_ip.hpp"
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

/// The analytics record of one request (docs/records.md); `outcome` is null for a failed request.
nlohmann::json RequestDoc(const Services& s, const std::string& id, const accounts::Principal& who,
                          const httplib::Request& req, std::chrono::system_clock::time_point received,
                          const DetectParams& params) {
  return {{"request_id", id},
          {"received_at", db::FormatTimestamp(received)},
          {"user_id", who.user_id},
          {"key_id", who.key_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(who.key_id)},
          {"client_ip", s.config.privacy.truncate_client_ip ? TruncateIp(ClientIp(req)) : ClientIp(req)},
          {"user_agent", req.get_header_value("User-Agent")},
          {"model_name", params.model},
          {"min_confidence", params.options.min_confidence},
          {"tiling", params.options.multiscale}};
}

void AddOutcome(nlohmann::json& doc, const Outcome& outcome, const std::string& image_key, std::size_t image_bytes) {
  const auto& faces = outcome.result.faces;
  doc["status"] = 200;
  doc["model_name"] = outcome.model.name;
  doc["model_version"] = outcome.model.version;
  doc["face_count"] = faces.size();
  if (!faces.empty()) {
    double lo = 1, hi = 0, sum = 0;
    for (const detect::Face& face : faces) {
      lo = std::min<double>(lo, face.confidence);
      hi = std::max<double>(hi, face.confidence);
      sum += face.confidence;
    }
    doc["confidence_min"] = lo;
    doc["confidence_mean"] = sum / static_cast<double>(faces.size());
    doc["confidence_max"] = hi;
  }
  const detect::Timings& t = outcome.result.timing;
  doc["decode_ms"] = t.decode_ms;
  doc["inference_ms"] = t.inference_ms;
  doc["total_ms"] = t.total_ms;
  doc["image_key"] = image_key;
  doc["image_bytes"] = image_bytes;
  doc["image"] = outcome.result.metadata;
  doc["faces"] = FacesJson(faces);
}

/// Failed requests are analytics too (which inputs break the decoder, who hits limits). Best
/// effort: the client gets its 4xx whether or not the record could be spooled.
void SpoolFailure(Services& s, nlohmann::json doc, const Error& error) {
  doc["status"] = static_cast<int>(HttpStatus(error.code()));
  doc["error_type"] = std::string(TypeSlug(error.code()));
  try {
    s.SpoolRecord(events::ToSpoolRecord(events::RequestRecord{std::move(doc)}));
  } catch (const Error&) {
    // The spool is full or failing: the 4xx stands; /metrics and /readyz show the spool's state.
  }
}

void Detect(Services& s, const httplib::Request& req, httplib::Response& res) {
  const auto received = std::chrono::system_clock::now();
  const accounts::Principal who = s.auth_cache->Authenticate(*s.accounts, req);
  const std::string id = s.crypto->NewTimeOrderedId(received);
  DetectParams params{s.default_model, {}};
  nlohmann::json doc;
  Outcome outcome;
  std::string part;
  std::span<const std::uint8_t> data;
  try {
    params = ParseParams(s, req);
    doc = RequestDoc(s, id, who, req, received, params);
    const std::string_view bytes = ImageBytes(req, part);
    data = {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
    detect::DecodeLimits limits;
    limits.max_bytes = s.config.limits.max_image_bytes;
    s.pool->Run(params.model, [&](detect::IDetector& detector) {
      outcome.result = detect::RunDetection(detector, data, params.options, limits);
      outcome.model = detector.info();
    });
  } catch (const Error& error) {
    if (error.code() != ErrorCode::kUnavailable && error.code() != ErrorCode::kInternal) {
      SpoolFailure(s, doc.is_null() ? RequestDoc(s, id, who, req, received, params) : std::move(doc), error);
    }
    throw;
  }

  // Durable before the 200: the image in the local store, then the record in the spool (each
  // group-committed). The backends get both later, from the spool, whatever happens to us now.
  const std::string key = storage::InputKey(id, received, outcome.result.metadata.format);
  s.local_store->Put(key, data);
  AddOutcome(doc, outcome, key, data.size());
  try {
    s.SpoolRecord(events::ToSpoolRecord(events::RequestRecord{std::move(doc)}));
  } catch (const Error&) {
    s.local_store->Delete(key);  // no record will ever point at it; the client gets 503 and retries
    throw;
  }
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
