#include "http/routes/requests.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/error.hpp"
#include "common/number_text.hpp"
#include "common/time.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "http/routes/query_params.hpp"
#include "reports/annotate.hpp"

namespace faceloop::http {
namespace {

using requests::RequestRecord;

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;

template <typename T>
nlohmann::json OrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

/// The API's view of a record (docs/api.md): the listing's summary, or with `full` the metadata
/// and the faces too.
nlohmann::json RecordJson(const RequestRecord& r, bool full) {
  nlohmann::json json = {
      {"id", r.request_id},
      {"user_id", r.user_id},
      {"received_at", FormatTimestamp(r.received_at)},
      {"status", r.status},
      {"model", {{"name", r.model_name}, {"version", r.model_version.value_or("")}}},
      {"min_confidence", r.min_confidence},
      {"face_count", r.face_count.value_or(0)},
      {"confidence",
       {{"min", OrNull(r.confidence_min)}, {"mean", OrNull(r.confidence_mean)}, {"max", OrNull(r.confidence_max)}}},
      {"timing_ms",
       {{"decode", OrNull(r.decode_ms)}, {"inference", OrNull(r.inference_ms)}, {"total", OrNull(r.total_ms)}}},
      {"image", {{"bytes", r.image_bytes.value_or(0)}, {"url", "/v1/requests/" + r.request_id + "/image"}}},
      {"error_type", OrNull(r.error_type)},
      {"tiling", r.tiling}};
  if (r.model_mode) json["model"]["mode"] = *r.model_mode;
  if (full) {
    json["metadata"] = r.image;
    json["faces"] = r.faces;
  }
  return json;
}

double NumberParam(const Request& req, const char* name) {
  const std::optional<double> value = ParseFiniteNumber(req.Param(name));
  if (!value) BadQueryParam(name, "must be a number");
  return *value;
}

/// A best-face confidence bound: a number within 0..1, as every confidence the service answers is.
double ConfidenceParam(const Request& req, const char* name) {
  const double value = NumberParam(req, name);
  if (value < 0.0 || value > 1.0) BadQueryParam(name, "must be within 0..1");
  return value;
}

requests::Time TimeParam(const Request& req, const char* name) {
  try {
    return ParseTimestamp(req.Param(name));
  } catch (const Error&) {
    BadQueryParam(name, "must be an RFC 3339 UTC time like 2024-05-01T12:00:00Z");
  }
}

/// A face count: a whole number within 0..kMaxFaceCount.
std::int64_t FaceCountParam(const Request& req, const char* name) {
  constexpr std::int64_t kMaxFaceCount = 100'000;
  const std::string text = req.Param(name);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 || value > kMaxFaceCount) {
    BadQueryParam(name, "must be a whole number within 0..100000");
  }
  return value;
}

requests::ListQuery ParseListQuery(const accounts::Principal& who, const Request& req) {
  requests::ListQuery query;
  query.limit = LimitParam(req, kDefaultLimit, kMaxLimit);
  if (!accounts::CanReadAll(who)) {
    query.user_id = who.user_id;
  } else if (req.HasParam("user_id")) {
    query.user_id = req.Param("user_id");
  }
  if (req.HasParam("cursor")) query.before_id = req.Param("cursor");
  if (req.HasParam("from")) query.from = TimeParam(req, "from");
  if (req.HasParam("to")) query.to = TimeParam(req, "to");
  if (req.HasParam("min_confidence")) query.min_confidence = ConfidenceParam(req, "min_confidence");
  if (req.HasParam("max_confidence")) query.max_confidence = ConfidenceParam(req, "max_confidence");
  if (req.HasParam("min_faces")) query.min_faces = FaceCountParam(req, "min_faces");
  if (req.HasParam("max_faces")) query.max_faces = FaceCountParam(req, "max_faces");
  if (query.min_faces && query.max_faces && *query.min_faces > *query.max_faces) {
    BadQueryParam("max_faces", "must not be below min_faces");
  }
  return query;
}

void List(const RequestRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  const requests::ListQuery query = ParseListQuery(who, req);
  s.read_your_writes();  // the client's own detects, answered a moment ago, are in the history
  const std::vector<RequestRecord> records = s.store.List(query);
  nlohmann::json items = nlohmann::json::array();
  for (const RequestRecord& record : records) items.push_back(RecordJson(record, false));
  const bool more = static_cast<int>(records.size()) == query.limit;
  WriteJson(
      res, 200,
      {{"requests", items}, {"next_cursor", more ? nlohmann::json(records.back().request_id) : nlohmann::json()}});
}

/// The record `id` if the principal may see it; kNotFound otherwise.
RequestRecord FindVisible(const RequestRoutes& s, const accounts::Principal& who, const std::string& id) {
  s.read_your_writes();
  auto record = s.store.Find(id);
  if (!record || (!accounts::CanReadAll(who) && record->user_id != who.user_id)) {
    throw Error(ErrorCode::kNotFound, "no such request");
  }
  return std::move(*record);
}

void Get(const RequestRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  nlohmann::json json = RecordJson(FindVisible(s, who, req.path_params.at(0)), true);
  if (s.feedback_of) json["feedback"] = s.feedback_of(req.path_params.at(0), who);
  WriteJson(res, 200, json);
}

/// The stored input image of `record`. It reaches the object store after its record (both wait in
/// the spool), so the spool's images are written first; one still waiting there (the object store
/// is down) is a 503, not a 404.
std::vector<std::uint8_t> StoredImage(const RequestRoutes& s, const RequestRecord& record) {
  const bool all_written = !s.images_written || s.images_written();
  const auto bytes = record.image_key ? s.images.Get(*record.image_key) : std::nullopt;
  if (bytes) return *bytes;
  if (!all_written) throw Error(ErrorCode::kUnavailable, "the image of this request is not stored yet");
  throw Error(ErrorCode::kNotFound, "the image of this request is no longer stored");
}

void Image(const RequestRoutes& s, const Request& req, Response& res) {
  const RequestRecord record = FindVisible(s, s.auth.Authenticate(ParseCredentials(req)), req.path_params.at(0));
  const std::vector<std::uint8_t> bytes = StoredImage(s, record);
  res.SetContent(std::string(bytes.begin(), bytes.end()), "image/" + record.image.value("format", "jpeg"));
}

/// The stored input with its faces drawn, as the Accept header asks (406 when it asks for neither
/// JPEG nor PNG: checked before anything is read). Made on demand; nothing is stored.
void Annotated(const RequestRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  const auto format = reports::NegotiateAnnotatedFormat(req.Header("Accept"));
  if (!format) throw Error(ErrorCode::kNotAcceptable, "the annotated image is image/jpeg or image/png (Accept)");
  const RequestRecord record = FindVisible(s, who, req.path_params.at(0));
  res.SetContent(reports::AnnotateImage(StoredImage(s, record), record.faces, *format),
                 *format == reports::AnnotatedFormat::kPng ? "image/png" : "image/jpeg");
  res.headers.Set("Vary", "Accept");
}

}  // namespace

void RegisterRequestRoutes(Router& router, HttpMetrics& metrics, const RequestRoutes& routes) {
  auto add = [&router, &metrics, routes](const char* pattern,
                                         void (*fn)(const RequestRoutes&, const Request&, Response&)) {
    router.Add("GET", pattern,
               Guard(metrics, std::string("GET ") + pattern,
                     [routes, fn](const Request& req, Response& res) { fn(routes, req, res); }));
  };
  add("/v1/requests", List);
  add("/v1/requests/{id}", Get);
  add("/v1/requests/{id}/image", Image);
  add("/v1/requests/{id}/annotated", Annotated);
}

}  // namespace faceloop::http
