#include "datasets/params.hpp"

#include <array>
#include <cmath>
#include <utility>

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::datasets {
namespace {

using json = nlohmann::json;

constexpr std::array<std::pair<StrategyKind, std::string_view>, 6> kStrategyNames{{
    {StrategyKind::kUncertain, "uncertain"},
    {StrategyKind::kFeedback, "feedback"},
    {StrategyKind::kOutliers, "outliers"},
    {StrategyKind::kDrifted, "drifted"},
    {StrategyKind::kStratified, "stratified"},
    {StrategyKind::kRandom, "random"},
}};
constexpr std::array<std::pair<Format, std::string_view>, 4> kFormatNames{{
    {Format::kCoco, "coco"},
    {Format::kYolo, "yolo"},
    {Format::kWider, "wider"},
    {Format::kLabelStudio, "labelstudio"},
}};

[[noreturn]] void Refuse(const std::string& parameter, const std::string& what) {
  throw Error(ErrorCode::kUnprocessable, "parameter " + parameter + " " + what);
}

double Number(const json& value, const std::string& name, double lo, double hi) {
  if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < lo ||
      value.get<double>() > hi) {
    Refuse(name, "must be a number within " + json(lo).dump() + ".." + json(hi).dump());
  }
  return value.get<double>();
}

std::int64_t Integer(const json& value, const std::string& name, std::int64_t lo, std::int64_t hi) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < lo || value.get<std::int64_t>() > hi) {
    Refuse(name, "must be an integer within " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return value.get<std::int64_t>();
}

std::string Text(const json& value, const std::string& name) {
  if (!value.is_string() || value.get<std::string>().empty()) Refuse(name, "must be a non-empty string");
  return value.get<std::string>();
}

Time Timestamp(const json& value, const std::string& name) {
  const std::string text = Text(value, name);
  try {
    return ParseTimestamp(text);
  } catch (const Error&) {
    Refuse(name, "must be an RFC 3339 UTC timestamp");
  }
}

StrategyKind ParseStrategyName(const std::string& name) {
  for (const auto& [kind, text] : kStrategyNames) {
    if (text == name) return kind;
  }
  Refuse("strategy", "has no strategy '" + name + "' (uncertain, feedback, outliers, drifted, stratified or random)");
}

/// "a,b" or ["a", "b"] -> the names, each once.
std::vector<std::string> StrategyNames(const json& value) {
  std::vector<std::string> names;
  auto add = [&names](std::string name) {
    if (name.empty()) Refuse("strategy", "has an empty name");
    for (const auto& seen : names) {
      if (seen == name) Refuse("strategy", "names '" + name + "' twice");
    }
    names.push_back(std::move(name));
  };
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    std::size_t start = 0;
    for (std::size_t comma = text.find(',');; comma = text.find(',', start)) {
      add(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else if (value.is_array()) {
    for (const json& item : value) add(Text(item, "strategy"));
  } else {
    Refuse("strategy", "must be a comma-separated string or an array of names");
  }
  if (names.empty()) Refuse("strategy", "must name at least one strategy");
  return names;
}

void ParseStrategyParams(const json& given, Strategy& s) {
  const std::string base = "params." + std::string(ToString(s.kind)) + ".";
  if (!given.is_object()) Refuse("params." + std::string(ToString(s.kind)), "must be an object");
  for (const auto& [key, value] : given.items()) {
    const std::string name = base + key;
    if (key == "limit") {
      s.limit = Integer(value, name, 1, kMaxLimit);
    } else if (key == "band" && s.kind == StrategyKind::kUncertain) {
      s.band = Number(value, name, 0, 1);
    } else if (key == "low" && s.kind == StrategyKind::kUncertain) {
      s.low = Number(value, name, 0, 1);
    } else if (key == "threshold" && s.kind == StrategyKind::kOutliers) {
      s.threshold = Number(value, name, 1, 100);
    } else if (key == "per_bin" && s.kind == StrategyKind::kStratified) {
      s.per_bin = Integer(value, name, 1, kMaxLimit);
    } else if (key == "seed" && s.kind == StrategyKind::kRandom) {
      s.seed = Integer(value, name, 0, INT32_MAX);
    } else {
      Refuse(name, "is not a parameter of strategy " + std::string(ToString(s.kind)));
    }
  }
}

std::vector<Strategy> ParseStrategies(const json& body) {
  if (!body.contains("strategies")) Refuse("strategy", "is required");
  const json params = body.value("params", json::object());
  if (!params.is_object()) Refuse("params", "must be an object keyed by strategy");
  std::vector<Strategy> strategies;
  for (const std::string& name : StrategyNames(body.at("strategies"))) {
    Strategy s;
    s.kind = ParseStrategyName(name);
    if (params.contains(name)) ParseStrategyParams(params.at(name), s);
    strategies.push_back(s);
  }
  for (const auto& [key, value] : params.items()) {
    bool used = false;
    for (const Strategy& s : strategies) used = used || ToString(s.kind) == key;
    if (!used) Refuse("params." + key, "belongs to no strategy of this export");
  }
  return strategies;
}

Format ParseFormat(const json& value) {
  const std::string text = Text(value, "format");
  for (const auto& [format, name] : kFormatNames) {
    if (name == text) return format;
  }
  Refuse("format", "must be coco, yolo, wider or labelstudio");
}

}  // namespace

std::string_view ToString(StrategyKind kind) {
  for (const auto& [k, name] : kStrategyNames) {
    if (k == kind) return name;
  }
  return "?";
}

std::string_view ToString(Format format) {
  for (const auto& [f, name] : kFormatNames) {
    if (f == format) return name;
  }
  return "?";
}

ExportParams ParseExportParams(const json& body) {
  if (!body.is_object()) throw Error(ErrorCode::kBadRequest, "the export parameters must be a JSON object");
  static const std::vector<std::string> kKnown = {"strategies",    "params",
                                                  "format",        "to",
                                                  "limit",         "per_user",
                                                  "from",          "until",
                                                  "model_version", "near_duplicate_distance"};
  for (const auto& [key, value] : body.items()) {
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) Refuse(key, "is not an export parameter");
  }
  ExportParams p;
  p.strategies = ParseStrategies(body);
  if (body.contains("format")) p.format = ParseFormat(body.at("format"));
  if (body.contains("to")) p.to = Text(body.at("to"), "to");
  if (body.contains("limit")) p.limit = Integer(body.at("limit"), "limit", 1, kMaxLimit);
  if (body.contains("per_user")) p.per_user = Integer(body.at("per_user"), "per_user", 1, kMaxLimit);
  if (body.contains("from")) p.from = Timestamp(body.at("from"), "from");
  if (body.contains("until")) p.until = Timestamp(body.at("until"), "until");
  if (p.from && p.until && *p.from >= *p.until) Refuse("from", "must be before until");
  if (body.contains("model_version")) p.model_version = Text(body.at("model_version"), "model_version");
  if (body.contains("near_duplicate_distance")) {
    p.near_distance = static_cast<int>(Integer(body.at("near_duplicate_distance"), "near_duplicate_distance", -1, 16));
  }
  return p;
}

json ToJson(const Strategy& s) {
  json out = {{"strategy", ToString(s.kind)}};
  if (s.limit > 0) out["limit"] = s.limit;
  switch (s.kind) {
    case StrategyKind::kUncertain:
      out["band"] = s.band;
      out["low"] = s.low;
      break;
    case StrategyKind::kOutliers: out["threshold"] = s.threshold; break;
    case StrategyKind::kStratified:
      out["per_bin"] = s.per_bin;
      out["features"] = {"image.brightness", "faces.box.height"};
      break;
    case StrategyKind::kRandom: out["seed"] = s.seed; break;
    case StrategyKind::kFeedback:
      out["verdicts"] = {"incorrect", "partly_correct"};
      out["max_rating"] = 2;
      break;
    case StrategyKind::kDrifted: out["verdict"] = "firing drift_verdict alerts"; break;
  }
  return out;
}

json ToJson(const ExportParams& p) {
  json strategies = json::array();
  for (const Strategy& s : p.strategies) strategies.push_back(ToJson(s));
  json out = {{"strategies", strategies},
              {"format", ToString(p.format)},
              {"limit", p.limit},
              {"near_duplicate_distance", p.near_distance}};
  if (!p.to.empty()) out["to"] = p.to;
  if (p.per_user) out["per_user"] = *p.per_user;
  if (p.from) out["from"] = FormatTimestamp(*p.from);
  if (p.until) out["until"] = FormatTimestamp(*p.until);
  if (p.model_version) out["model_version"] = *p.model_version;
  return out;
}

}  // namespace faceloop::datasets
