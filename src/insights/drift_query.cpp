#include "insights/drift_query.hpp"

#include <algorithm>
#include <chrono>

#include "common/error.hpp"
#include "insights/query.hpp"

namespace faceloop::insights {
namespace {

[[noreturn]] void Refuse(const std::string& parameter, const std::string& why) {
  throw Error(ErrorCode::kUnprocessable, "parameter " + parameter + " " + why);
}

/// "FROM..TO" as a checked window.
HourWindow WindowParam(const std::string& name, const std::string& text, int max_days) {
  const std::size_t dots = text.find("..");
  if (dots == std::string::npos) {
    Refuse(name, "must be FROM..TO, like 2026-11-01T00:00:00Z..2026-11-08T00:00:00Z");
  }
  const HourWindow window{HourParam(name, text.substr(0, dots)), HourParam(name, text.substr(dots + 2))};
  if (window.from >= window.to) Refuse(name, "must start before it ends");
  if (window.to - window.from > std::chrono::days(max_days)) {
    Refuse(name, "is longer than " + std::to_string(max_days) + " days (the longest window, limits.insights_max_days)");
  }
  return window;
}

/// The named features in the order of Features(): a stable answer whatever the query's order.
std::vector<const Feature*> FeatureParams(const std::vector<std::string>& given) {
  std::vector<std::string> names;
  for (const std::string& list : given) {
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = list.find(',', start);
      names.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  for (const std::string& name : names) {
    if (name.empty()) Refuse("feature", "must not be empty (a name, or names separated by commas)");
    if (FindFeature(name) == nullptr) Refuse("feature", "names an unknown feature: " + name);
  }
  std::vector<const Feature*> features;
  for (const Feature& feature : Features()) {
    const bool asked = names.empty() || std::find(names.begin(), names.end(), feature.name) != names.end();
    if (asked) features.push_back(&feature);
  }
  return features;
}

}  // namespace

DriftQuery ParseDriftQuery(const DriftParams& params, int max_days, Time now) {
  using std::chrono::days;
  using std::chrono::hours;
  DriftQuery query;
  query.features = FeatureParams(params.features);
  const Time next_hour = FloorHour(now) + hours(1);
  query.current = params.current ? WindowParam("current", *params.current, max_days)
                                 : HourWindow{next_hour - hours(kDefaultCurrentHours), next_hour};
  query.reference = params.reference ? WindowParam("reference", *params.reference, max_days)
                                     : HourWindow{query.current.from - days(kDefaultReferenceDays), query.current.from};
  if (params.model_version) {
    if (params.model_version->empty()) Refuse("model_version", "must not be empty");
    query.model_version = params.model_version;
  }
  return query;
}

}  // namespace faceloop::insights
