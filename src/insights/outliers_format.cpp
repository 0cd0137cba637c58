// The outliers' two renderings: the API's JSON and the CLI's table.
#include <cstdio>

#include "common/time.hpp"
#include "insights/outliers.hpp"
#include "requests/record_json.hpp"

namespace faceloop::insights {
namespace {

nlohmann::json OrNull(const std::optional<double>& value) { return value ? nlohmann::json(*value) : nlohmann::json(); }

nlohmann::json ReferenceJson(const Outliers& o) {
  const Reference& r = o.reference;
  nlohmann::json features = nlohmann::json::array();
  for (const FeatureReference& f : r.metadata) {
    features.push_back(
        {{"feature", f.feature}, {"count", f.count}, {"median", f.center.median}, {"mad", f.center.mad}});
  }
  return {{"from", FormatTimestamp(o.query.reference_from)},
          {"to", FormatTimestamp(o.query.from)},
          {"successful_requests", r.successes},
          {"face_share", OrNull(r.face_share)},
          {"no_face_unusual", r.no_face_unusual},
          {"latency_p99_ms", OrNull(r.latency_p99)},
          {"low_confidence", OrNull(r.low_confidence)},
          {"metadata", std::move(features)}};
}

nlohmann::json ReasonJson(const OutlierReason& reason) {
  nlohmann::json json = {
      {"kind", reason.kind}, {"feature", reason.feature}, {"value", reason.value}, {"threshold", reason.threshold}};
  if (reason.z) json["z"] = *reason.z;
  return json;
}

std::string ReasonText(const OutlierReason& reason) {
  char text[160];
  if (reason.z) {
    (void)std::snprintf(text, sizeof text, "%s=%.4g (z %.1f)", reason.feature.c_str(), reason.value, *reason.z);
  } else if (reason.kind == "no_face") {
    (void)std::snprintf(text, sizeof text, "no face");
  } else {
    (void)std::snprintf(text, sizeof text, "%s=%.4g (%s %.4g)", reason.feature.c_str(), reason.value,
                        reason.kind == "slow" ? ">= p99" : "< p1", reason.threshold);
  }
  return text;
}

}  // namespace

nlohmann::json ToJson(const Outliers& outliers) {
  nlohmann::json list = nlohmann::json::array();
  for (const Outlier& o : outliers.outliers) {
    nlohmann::json reasons = nlohmann::json::array();
    for (const OutlierReason& reason : o.reasons) reasons.push_back(ReasonJson(reason));
    const std::string& id = o.record.request_id;
    list.push_back({{"id", id},
                    {"score", o.score},
                    {"reasons", std::move(reasons)},
                    {"image_url", o.record.image_key ? nlohmann::json("/v1/requests/" + id + "/image") : nullptr},
                    {"record", requests::ToJson(o.record)}});
  }
  return {{"from", FormatTimestamp(outliers.query.from)},
          {"to", FormatTimestamp(outliers.query.to)},
          {"limit", outliers.query.limit},
          {"threshold", outliers.query.threshold},
          {"reference", ReferenceJson(outliers)},
          {"sample", ToJson(outliers.sample)},
          {"outliers", std::move(list)}};
}

std::string ToTable(const Outliers& outliers) {
  const WindowSample& sample = outliers.sample;
  std::string text = sample.exact ? "scored: all " + std::to_string(sample.window_records) + " successful requests\n"
                                  : "scored: a uniform sample of about " + std::to_string(sample.records) + " of " +
                                        std::to_string(sample.window_records) + " successful requests\n";
  text += "  score  request id                 received at               reasons\n";
  for (const Outlier& o : outliers.outliers) {
    char line[128];
    (void)std::snprintf(line, sizeof line, "%7.2f  %-26s %-25s", o.score, o.record.request_id.c_str(),
                        FormatTimestamp(o.record.received_at).c_str());
    text += line;
    for (std::size_t i = 0; i < o.reasons.size(); ++i) text += (i == 0 ? " " : ", ") + ReasonText(o.reasons[i]);
    text += "\n";
  }
  if (outliers.outliers.empty()) text += "(none)\n";
  return text;
}

}  // namespace faceloop::insights
