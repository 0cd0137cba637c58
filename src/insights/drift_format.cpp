// The drift report's two renderings: the API's JSON and the CLI's table.
#include <cstdio>

#include "common/time.hpp"
#include "insights/drift.hpp"

namespace faceloop::insights {
namespace {

nlohmann::json OrNull(const std::optional<double>& value) { return value ? nlohmann::json(*value) : nlohmann::json(); }

nlohmann::json WindowJson(const HourWindow& window) {
  return {{"from", FormatTimestamp(window.from)}, {"to", FormatTimestamp(window.to)}};
}

nlohmann::json SampleJson(const Moments& moments) {
  return {{"count", moments.count}, {"mean", OrNull(moments.Mean())}, {"sd", OrNull(moments.StdDev())}};
}

nlohmann::json ThresholdsJson(const DriftThresholds& thresholds) {
  nlohmann::json json = nlohmann::json::object();
  DriftThresholds::ForEachThreshold(
      thresholds, [&json](std::string_view name, const auto& value) { json[std::string(name)] = value; });
  json["psi_epsilon"] = kPsiEpsilon;
  return json;
}

nlohmann::json FeatureJson(const FeatureDrift& drift) {
  return {{"feature", drift.feature->name},
          {"unit", drift.feature->unit},
          {"per", drift.feature->scope == Scope::kFace ? "face" : "request"},
          {"reference", SampleJson(drift.reference)},
          {"current", SampleJson(drift.current)},
          {"psi", OrNull(drift.stats.psi)},
          {"psi_p", OrNull(drift.stats.psi_p)},
          {"psi_groups", drift.stats.psi_groups},
          {"ks", OrNull(drift.stats.ks)},
          {"ks_p", OrNull(drift.stats.ks_p)},
          {"mean_shift", OrNull(drift.stats.mean_shift)},
          {"mean_shift_p", OrNull(drift.stats.mean_shift_p)},
          {"verdict", VerdictName(drift.stats.verdict)}};
}

std::string Number(const std::optional<double>& value, const char* format) {
  if (!value) return "-";
  char text[32];
  (void)std::snprintf(text, sizeof text, format, *value);
  return text;
}

}  // namespace

nlohmann::json ToJson(const DriftReport& report) {
  nlohmann::json features = nlohmann::json::array();
  for (const FeatureDrift& drift : report.features) features.push_back(FeatureJson(drift));
  return {{"reference", WindowJson(report.query.reference)},
          {"current", WindowJson(report.query.current)},
          {"model_version", report.query.model_version ? nlohmann::json(*report.query.model_version) : nullptr},
          {"thresholds", ThresholdsJson(report.thresholds)},
          {"features", std::move(features)}};
}

std::string ToTable(const DriftReport& report) {
  const DriftQuery& q = report.query;
  std::string text = "reference " + FormatTimestamp(q.reference.from) + ".." + FormatTimestamp(q.reference.to) +
                     ", current " + FormatTimestamp(q.current.from) + ".." + FormatTimestamp(q.current.to) +
                     (q.model_version ? ", model version " + *q.model_version : std::string()) + "\n";
  char line[200];
  (void)std::snprintf(line, sizeof line, "%-17s %9s %9s %8s %8s %8s  %s\n", "verdict", "n_ref", "n_cur", "psi", "ks",
                      "shift", "feature");
  text += line;
  for (const FeatureDrift& d : report.features) {
    (void)std::snprintf(line, sizeof line, "%-17s %9lld %9lld %8s %8s %8s  %s\n",
                        std::string(VerdictName(d.stats.verdict)).c_str(), static_cast<long long>(d.reference.count),
                        static_cast<long long>(d.current.count), Number(d.stats.psi, "%.4f").c_str(),
                        Number(d.stats.ks, "%.4f").c_str(), Number(d.stats.mean_shift, "%+.3f").c_str(),
                        std::string(d.feature->name).c_str());
    text += line;
  }
  const DriftThresholds& t = report.thresholds;
  (void)std::snprintf(line, sizeof line,
                      "thresholds: psi warn %g, alert %g; ks alert %g; |shift| alert %g; min sample %lld; alpha %g\n",
                      t.psi_warn, t.psi_alert, t.ks_alert, t.mean_shift_alert, static_cast<long long>(t.min_sample),
                      t.alpha);
  return text + line;
}

}  // namespace faceloop::insights
