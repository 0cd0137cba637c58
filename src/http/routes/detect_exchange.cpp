#include "http/routes/detect_exchange.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/utf8.hpp"
#include "detect/pipeline.hpp"
#include "events/records.hpp"
#include "http/client_ip.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "storage/local_object_store.hpp"
#include "telemetry/log.hpp"

namespace faceloop::http {
namespace {

using requests::RequestRecord;

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
RequestRecord StartRecord(const DetectExchange& x) {
  const DetectRoutes& s = *x.routes;
  const Request& req = *x.request;
  RequestRecord record;
  record.request_id = x.id;
  record.received_at = x.received;
  record.user_id = x.who.user_id;
  if (!x.who.key_id.empty()) record.key_id = x.who.key_id;
  record.client_ip = s.truncate_client_ip ? TruncateIp(req.client_addr) : req.client_addr;
  record.user_agent = ValidUtf8(req.Header("User-Agent"));
  record.model_name = x.params.model;
  record.min_confidence = x.params.options.min_confidence;
  record.tiling = x.params.options.multiscale;
  return record;
}

void AddOutcome(RequestRecord& record, const Outcome& outcome, const std::string& image_key, std::size_t bytes) {
  const auto& faces = outcome.result.faces;
  record.status = 200;
  record.model_name = outcome.model.name;
  record.model_version = outcome.model.version;
  record.model_mode = std::string(detect::ModeName(outcome.result.mode));
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
    s.pipeline.AppendAsync(events::ToSpoolRecord(record), [](const std::exception_ptr& /*ignored*/) {});
  } catch (const Error&) {
    // The spool is full or failing: the 4xx stands; /metrics and /readyz show the spool's state.
  }
}

nlohmann::json AnswerJson(const std::string& id, const Outcome& outcome) {
  const detect::DetectionResult& r = outcome.result;
  return {{"request_id", id},
          {"model",
           {{"name", outcome.model.name},
            {"version", outcome.model.version},
            {"mode", detect::ModeName(outcome.result.mode)}}},
          {"image", {{"width", r.metadata.width}, {"height", r.metadata.height}, {"format", r.metadata.format}}},
          {"faces", FacesJson(r.faces)},
          {"timing_ms",
           {{"decode", r.timing.decode_ms}, {"inference", r.timing.inference_ms}, {"total", r.timing.total_ms}}}};
}

/// Durable before the 200: the record and the image, in one spool frame write, group-committed
/// without any thread waiting for the sync. The backends (the object store included) get both
/// later, from the spool, whatever happens to us after the answer.
void Persist(const std::shared_ptr<DetectExchange>& x, const Outcome& outcome) {
  const DetectRoutes& s = *x->routes;
  const std::string key = storage::InputKey(x->id, x->received, outcome.result.metadata.format);
  x->record = StartRecord(*x);
  AddOutcome(x->record, outcome, key, x->image.size());
  WriteJson(x->answer, 200, AnswerJson(x->id, outcome));  // keeps the RateLimit headers
  const std::size_t faces = outcome.result.faces.size();
  s.pipeline.AppendAsync(events::ToSpoolRecord(x->record), x->image, [x, faces](const std::exception_ptr& error) {
    if (error) return x->Fail(error);  // nothing of it is stored; the client gets 503 and retries
    x->routes->faces.Add(faces);
    x->reply(std::move(x->answer));
  });
}

}  // namespace

void DetectExchange::Fail(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kUnavailable && e.code() != ErrorCode::kInternal) {
      SpoolFailure(*routes, StartRecord(*this), e);
    }
  } catch (...) {
  }
  reply(ErrorResponse(error, *request));
}

void DetectExchange::Start(const std::shared_ptr<DetectExchange>& x) {
  try {
    x->routes->pool.Submit(
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
        [x](const std::exception_ptr& error) { x->Fail(error); });
  } catch (...) {
    x->Fail(std::current_exception());
  }
}

}  // namespace faceloop::http
