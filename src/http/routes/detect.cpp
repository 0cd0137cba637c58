#include "http/routes/detect.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <span>

#include "common/error.hpp"
#include "detect/pipeline.hpp"
#include "events/records.hpp"
#include "http/client_ip.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/multipart.hpp"
#include "http/problem.hpp"
#include "requests/record.hpp"
#include "telemetry/log.hpp"

namespace faceloop::http {
namespace {

using requests::RequestRecord;

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

DetectParams ParseParams(const DetectRoutes& s, const Request& req) {
  DetectParams params{s.default_model, {}};
  if (req.HasParam("min_confidence")) {
    const double value = ParseNumber("min_confidence", req.Param("min_confidence"));
    if (value < 0 || value > 1) BadParam("min_confidence", "must be within 0..1");
    params.options.min_confidence = static_cast<float>(value);
  }
  if (req.HasParam("max_faces")) {
    const std::string text = req.Param("max_faces");
    int value = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0)
      BadParam("max_faces", "must be an integer >= 0");
    params.options.max_faces = value;
  }
  if (req.HasParam("tiling")) {
    const std::string text = req.Param("tiling");
    if (text != "true" && text != "false" && text != "1" && text != "0") BadParam("tiling", "must be true or false");
    params.options.multiscale = text == "true" || text == "1";
  }
  if (req.HasParam("model")) {
    params.model = req.Param("model");
    // Only built-in names: "onnx:<path>" would let a client make the server read arbitrary files.
    if (std::find(s.models.begin(), s.models.end(), params.model) == s.models.end()) {
      BadParam("model", "names no known model");
    }
  }
  return params;
}

/// The image bytes: the multipart field `image`, or the raw body with an image content type.
std::string_view ImageBytes(const Request& req) {
  const std::string_view content_type = req.Header("Content-Type");
  if (const std::string_view boundary = MultipartBoundary(content_type); !boundary.empty()) {
    for (const FormPart& part : ParseMultipart(req.body, boundary)) {
      if (part.name != "image") continue;
      if (part.body.empty()) throw Error(ErrorCode::kBadRequest, "the image field is empty");
      return part.body;
    }
    throw Error(ErrorCode::kUnprocessable, "multipart body needs a field named image");
  }
  if (req.body.empty()) throw Error(ErrorCode::kBadRequest, "request body is empty; send an image");
  const std::string_view type = content_type.substr(0, content_type.find(';'));
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

/// The record of a request as far as it is known before detection.
RequestRecord StartRecord(const DetectRoutes& s, const std::string& id, const accounts::Principal& who,
                          const Request& req, std::chrono::system_clock::time_point received,
                          const DetectParams& params) {
  RequestRecord record;
  record.request_id = id;
  record.received_at = received;
  record.user_id = who.user_id;
  if (!who.key_id.empty()) record.key_id = who.key_id;
  record.client_ip = s.truncate_client_ip ? TruncateIp(req.remote_addr) : req.remote_addr;
  record.user_agent = std::string(req.Header("User-Agent"));
  record.model_name = params.model;
  record.min_confidence = params.options.min_confidence;
  record.tiling = params.options.multiscale;
  return record;
}

void AddOutcome(RequestRecord& record, const Outcome& outcome, const std::string& image_key, std::size_t bytes) {
  const auto& faces = outcome.result.faces;
  record.status = 200;
  record.model_name = outcome.model.name;
  record.model_version = outcome.model.version;
  record.face_count = static_cast<std::int64_t>(faces.size());
  if (!faces.empty()) {
    double lo = 1, hi = 0, sum = 0;
    for (const detect::Face& face : faces) {
      lo = std::min<double>(lo, face.confidence);
      hi = std::max<double>(hi, face.confidence);
      sum += face.confidence;
    }
    record.confidence_min = lo;
    record.confidence_mean = sum / static_cast<double>(faces.size());
    record.confidence_max = hi;
  }
  const detect::Timings& t = outcome.result.timing;
  record.decode_ms = t.decode_ms;
  record.inference_ms = t.inference_ms;
  record.total_ms = t.total_ms;
  record.image_key = image_key;
  record.image_bytes = static_cast<std::int64_t>(bytes);
  record.image = outcome.result.metadata;
  record.faces = FacesJson(faces);
}

/// Failed requests are analytics too (which inputs break the decoder, who hits limits). Best
/// effort and never waited for: the client gets its 4xx whether or not the record is spooled.
void SpoolFailure(const DetectRoutes& s, RequestRecord record, const Error& error) {
  record.status = HttpStatus(error.code());
  record.error_type = std::string(TypeSlug(error.code()));
  try {
    s.pipeline.AppendAsync(events::ToSpoolRecord(record), [](std::exception_ptr) {});
  } catch (const Error&) {
    // The spool is full or failing: the 4xx stands; /metrics and /readyz show the spool's state.
  }
}

nlohmann::json AnswerJson(const std::string& id, const Outcome& outcome) {
  const detect::DetectionResult& r = outcome.result;
  return {{"request_id", id},
          {"model", {{"name", outcome.model.name}, {"version", outcome.model.version}}},
          {"image", {{"width", r.metadata.width}, {"height", r.metadata.height}, {"format", r.metadata.format}}},
          {"faces", FacesJson(r.faces)},
          {"timing_ms",
           {{"decode", r.timing.decode_ms}, {"inference", r.timing.inference_ms}, {"total", r.timing.total_ms}}}};
}

/// One detect request on its way through the workers and the committer; shared by the callbacks.
struct Exchange {
  std::shared_ptr<const DetectRoutes> routes;
  RequestPtr request;
  Reply reply;
  accounts::Principal who;
  std::chrono::system_clock::time_point received;
  DetectParams params;
  std::span<const std::uint8_t> image;  ///< into request->body
  RequestRecord record;
  Response answer;

  void Fail(std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kUnavailable && e.code() != ErrorCode::kInternal) {
        SpoolFailure(*routes, StartRecord(*routes, request->request_id, who, *request, received, params), e);
      }
    } catch (...) {
    }
    reply(ErrorResponse(error, *request));
  }
};

/// Durable before the 200: the image in the local store, then the record in the spool, each
/// group-committed without any thread waiting for the sync. The backends get both later, from the
/// spool, whatever happens to us after the answer.
void Persist(const std::shared_ptr<Exchange>& x, const Outcome& outcome) {
  const DetectRoutes& s = *x->routes;
  const std::string key = storage::InputKey(x->request->request_id, x->received, outcome.result.metadata.format);
  x->record = StartRecord(s, x->request->request_id, x->who, *x->request, x->received, x->params);
  AddOutcome(x->record, outcome, key, x->image.size());
  WriteJson(x->answer, 200, AnswerJson(x->request->request_id, outcome));
  const std::size_t faces = outcome.result.faces.size();
  s.inputs.PutAsync(key, x->image, [x, key, faces](std::exception_ptr error) {
    if (error) return x->Fail(error);
    try {
      x->routes->pipeline.AppendAsync(events::ToSpoolRecord(x->record), [x, key, faces](std::exception_ptr error) {
        if (error) {
          x->routes->inputs.Delete(key);  // no record will ever point at it; the client gets 503 and retries
          return x->Fail(error);
        }
        x->routes->faces.Add(faces);
        x->reply(std::move(x->answer));
      });
    } catch (...) {
      x->routes->inputs.Delete(key);
      x->Fail(std::current_exception());
    }
  });
}

void Detect(const std::shared_ptr<const DetectRoutes>& routes, RequestPtr req, Reply reply) {
  const DetectRoutes& s = *routes;
  auto x = std::make_shared<Exchange>();
  x->routes = routes;
  x->request = req;
  x->reply = std::move(reply);
  x->received = std::chrono::system_clock::now();
  x->who = s.auth.Authenticate(ParseCredentials(*req));  // 401 is not a request record
  x->params = DetectParams{s.default_model, {}};
  try {
    x->params = ParseParams(s, *req);
    const std::string_view bytes = ImageBytes(*req);
    x->image = {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
    s.pool.Submit(
        x->params.model,
        [x](detect::IDetector& detector) {
          const telemetry::ScopedRequestId log_id(x->request->request_id);
          detect::DecodeLimits limits;
          limits.max_bytes = x->routes->max_image_bytes;
          Outcome outcome;
          outcome.result = detect::RunDetection(detector, x->image, x->params.options, limits);
          outcome.model = detector.info();
          Persist(x, outcome);
        },
        [x](std::exception_ptr error) { x->Fail(std::move(error)); });
  } catch (...) {
    x->Fail(std::current_exception());
  }
}

}  // namespace

void RegisterDetectRoutes(Router& router, HttpMetrics& metrics, DetectRoutes routes) {
  auto shared = std::make_shared<const DetectRoutes>(std::move(routes));
  router.Add("POST", "/v1/detect", GuardAsync(metrics, "POST /v1/detect", [shared](RequestPtr req, Reply reply) {
               Detect(shared, std::move(req), std::move(reply));
             }));
}

}  // namespace faceloop::http
