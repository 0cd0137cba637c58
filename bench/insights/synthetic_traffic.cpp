#include "bench/insights/synthetic_traffic.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <utility>

#include "common/time.hpp"

namespace faceloop::bench {
namespace {

using requests::RequestRecord;

double Clamp(double x, double lo, double hi) { return std::clamp(x, lo, hi); }

/// A weighted pick among `n` choices.
template <std::size_t N>
std::size_t Pick(std::mt19937_64& random, const std::array<double, N>& weights) {
  std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
  return pick(random);
}

struct Resolution {
  int width, height;
};
// Phone photos, webcam frames, screenshots, thumbnails: a realistic spread of sizes.
constexpr std::array<Resolution, 8> kResolutions = {
    {{640, 480}, {1280, 720}, {1920, 1080}, {1080, 1350}, {3024, 4032}, {4032, 3024}, {800, 600}, {512, 512}}};
constexpr std::array<double, 8> kResolutionWeights = {18, 20, 15, 12, 10, 5, 12, 8};

struct Failure {
  std::int64_t status;
  const char* type;
};
constexpr std::array<Failure, 4> kFailures = {
    {{415, "unsupported-media-type"}, {413, "payload-too-large"}, {400, "invalid-image"}, {422, "image-too-large"}}};
constexpr std::array<double, 4> kFailureWeights = {40, 20, 30, 10};

constexpr std::array<const char*, 4> kAgents = {"python-requests/2.31.0", "curl/8.4.0", "faceloop-js/1.2",
                                                "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"};
constexpr const char* kVersionA = "mnet-0.25@retinaface-1.0.3";
constexpr const char* kVersionB = "mnet-0.25@retinaface-1.1.0";

}  // namespace

SyntheticTraffic::SyntheticTraffic(const TrafficShape& shape) : shape_(shape) {}

std::string SyntheticTraffic::UserId(int index) { return "bench-user-" + std::to_string(index); }

int SyntheticTraffic::PickUser() {
  // Heavy-tailed activity: the cube of a uniform puts most requests on a few users.
  const double u = std::uniform_real_distribution<double>(0, 1)(random_);
  return std::min(shape_.users - 1, static_cast<int>(shape_.users * u * u * u));
}

RequestRecord SyntheticTraffic::Next() {
  const std::int64_t i = made_++;
  const auto span = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::days(shape_.days));
  const double at = (static_cast<double>(i) + 0.5) / static_cast<double>(shape_.records);
  RequestRecord r;
  char id[32];
  (void)std::snprintf(id, sizeof id, "r%019lld", static_cast<long long>(i));
  r.request_id = id;
  r.received_at = shape_.start + std::chrono::milliseconds(static_cast<std::int64_t>(at * span.count()));
  const int user = PickUser();
  r.user_id = UserId(user);
  if (user % 10 != 0) r.key_id = "bench-key-" + std::to_string(user);
  r.client_ip = "10." + std::to_string(user / 256 % 256) + "." + std::to_string(user % 256) + ".7";
  r.user_agent = kAgents[static_cast<std::size_t>(user) % kAgents.size()];
  r.model_name = "retinaface";
  // Version B rolls out half-way through the month, to half the traffic.
  const bool rolled_out = at > 0.5 && std::bernoulli_distribution(0.5)(random_);
  r.model_version = rolled_out ? kVersionB : kVersionA;
  r.model_mode = "fast";
  r.min_confidence = 0.5;
  if (std::bernoulli_distribution(0.03)(random_)) {
    Fail(r);
  } else {
    Succeed(r);
  }
  return r;
}

void SyntheticTraffic::Fail(RequestRecord& r) {
  const Failure& failure = kFailures[Pick(random_, kFailureWeights)];
  r.status = failure.status;
  r.error_type = failure.type;
  r.model_version.reset();
}

void SyntheticTraffic::Succeed(RequestRecord& r) {
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> unit(0, 1);
  const Resolution size = kResolutions[Pick(random_, kResolutionWeights)];
  const double format_pick = unit(random_);
  const std::string format = format_pick < 0.8 ? "jpeg" : format_pick < 0.95 ? "png" : "webp";
  const bool alpha = format == "png" && unit(random_) < 0.4;
  const int channels = alpha ? 4 : unit(random_) < 0.02 ? 1 : 3;
  const double bytes_per_pixel = (format == "png" ? 1.2 : 0.25) * std::exp(0.4 * normal(random_));
  const auto bytes = static_cast<std::int64_t>(size.width * size.height * bytes_per_pixel) + 2000;
  const std::array<double, 8> orientation_weights = {85, 0.3, 3, 0.2, 0.2, 8, 0.3, 3};
  const double brightness = Clamp(0.46 + 0.13 * normal(random_), 0.01, 0.99);
  const double contrast = Clamp(0.21 + 0.06 * normal(random_), 0.01, 0.6);
  const double sharpness = 250 * std::exp(0.9 * normal(random_));
  const double saturation = Clamp(0.33 + 0.12 * normal(random_), 0, 1);
  r.image = {{"width", size.width},
             {"height", size.height},
             {"format", format},
             {"bytes", bytes},
             {"channels", channels},
             {"has_alpha", alpha},
             {"exif_orientation", 1 + static_cast<int>(Pick(random_, orientation_weights))},
             {"brightness", brightness},
             {"contrast", contrast},
             {"sharpness", sharpness},
             {"saturation", saturation},
             {"colorfulness", Clamp(20 + 60 * saturation + 10 * normal(random_), 0, 200)},
             {"dark_fraction", Clamp(0.4 * std::max(0.0, 0.35 - brightness) + 0.02 * unit(random_), 0, 1)},
             {"bright_fraction", Clamp(0.4 * std::max(0.0, brightness - 0.65) + 0.02 * unit(random_), 0, 1)}};
  r.image_bytes = bytes;
  r.image_key = "inputs/" + FormatTimestamp(r.received_at).substr(0, 10) + "/" + r.request_id + ".jpg";
  std::replace(r.image_key->begin(), r.image_key->end(), '-', '/');

  // Faces: none in ~10 % (more often in dark images); mostly one; sometimes a crowd.
  const bool none = unit(random_) < (brightness < 0.2 ? 0.3 : 0.09);
  const double count_pick = unit(random_);
  const int faces = none                ? 0
                    : count_pick < 0.6  ? 1
                    : count_pick < 0.8  ? 2
                    : count_pick < 0.9  ? 3
                    : count_pick < 0.98 ? 4 + static_cast<int>(5 * unit(random_))
                                        : 10 + static_cast<int>(30 * unit(random_));
  // Confidence follows the image: well-exposed, contrasted, sharp images score higher.
  const double quality =
      Clamp(1 - 1.6 * std::fabs(brightness - 0.5), 0, 1) * Clamp(contrast / 0.2, 0, 1) * (sharpness / (sharpness + 60));
  r.faces = nlohmann::json::array();
  double lowest = 1, highest = 0, sum = 0;
  for (int f = 0; f < faces; ++f) {
    const double score = Clamp(0.55 + 0.44 * quality + 0.04 * normal(random_) - 0.02 * f, 0.5, 0.9995);
    const double height = Clamp(0.25 * size.height * std::exp(0.6 * normal(random_)) / (1 + f), 8, size.height);
    const double x = unit(random_) * (size.width - height * 0.8), y = unit(random_) * (size.height - height);
    nlohmann::json landmarks = nlohmann::json::array();
    for (const char* name : {"right_eye", "left_eye", "nose", "mouth_right", "mouth_left"}) {
      landmarks.push_back({{"type", name}, {"x", x + height * 0.4 * unit(random_)}, {"y", y + height * 0.7}});
    }
    r.faces.push_back({{"box", {{"x", x}, {"y", y}, {"width", height * 0.8}, {"height", height}}},
                       {"confidence", score},
                       {"size", height < 16   ? "tiny"
                                : height < 32 ? "small"
                                : height < 96 ? "medium"
                                              : "large"},
                       {"quality",
                        {{"sharpness", Clamp(0.5 + 0.2 * normal(random_), 0, 1)},
                         {"brightness", Clamp(brightness + 0.08 * normal(random_), 0, 1)}}},
                       {"landmarks", std::move(landmarks)}});
    lowest = std::min(lowest, score);
    highest = std::max(highest, score);
    sum += score;
  }
  r.face_count = faces;
  if (faces > 0) {
    r.confidence_min = lowest;
    r.confidence_max = highest;
    r.confidence_mean = sum / faces;
  }
  // Latency: decoding grows with the upload, inference per model version, a slow tail of 0.5 %.
  r.decode_ms = static_cast<double>(bytes) / 1e6 * 8 * std::exp(0.2 * normal(random_)) + 0.3;
  const double base = *r.model_version == kVersionB ? 18 : 22;
  r.inference_ms = base * std::exp(0.25 * normal(random_)) * (unit(random_) < 0.005 ? 10 : 1);
  r.total_ms = *r.decode_ms + *r.inference_ms + 0.5 + 0.2 * faces;
}

}  // namespace faceloop::bench
