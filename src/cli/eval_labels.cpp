#include "cli/eval_labels.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <opencv2/core.hpp>

#include "cli/parallel.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "db/open.hpp"
#include "detect/pipeline.hpp"
#include "labels/benchmark.hpp"
#include "service/backends.hpp"
#include "service/config.hpp"
#include "storage/local_object_store.hpp"
#include "storage/tiered_object_store.hpp"

namespace faceloop::cli {
namespace {

std::optional<labels::Time> TimeFlag(const std::string& text, const char* flag) {
  if (text.empty()) return std::nullopt;
  try {
    return ParseTimestamp(text);
  } catch (const Error&) {
    throw Error(ErrorCode::kBadRequest, std::string(flag) + " must be an RFC 3339 UTC time like 2026-11-01T00:00:00Z");
  }
}

struct Detections {
  std::vector<std::vector<detect::Face>> faces;
  std::vector<bool> failed;
};

/// Runs the detector over each image's stored input, `threads` at a time.
Detections RunModel(const std::vector<labels::LabelledImage>& images, storage::IObjectStore& objects,
                    const ModelOptions& model, int threads) {
  cv::setNumThreads(1);  // parallelism comes from one worker per core
  detect::DetectorRegistry registry(model.Paths(), model.SelectedRuntime());
  const detect::DetectOptions options = model.Options();
  Detections out{std::vector<std::vector<detect::Face>>(images.size()), std::vector<bool>(images.size(), false)};
  ForEachParallel(registry, model.model, images.size(), threads, [&](detect::IDetector& detector, std::size_t i) {
    const std::string& id = images[i].record.request_id;
    try {
      const auto& key = images[i].record.image_key;
      const auto bytes = key ? objects.Get(*key) : std::nullopt;
      if (!bytes) throw Error(ErrorCode::kNotFound, "the image is no longer stored");
      out.faces[i] = detect::RunDetection(detector, *bytes, options).faces;
    } catch (const Error& e) {
      (void)std::fprintf(stderr, "request %s: %s\n", id.c_str(), e.what());
      out.failed[i] = true;
    }
  });
  return out;
}

void Print(const LabelsEvalFlags& flags, const ModelOptions& model, std::size_t images, std::size_t failed,
           const std::vector<labels::StratumScore>& scores) {
  const std::string mode(detect::ModeName(model.Options().EffectiveMode()));
  if (flags.json) {
    nlohmann::json strata = nlohmann::json::array();
    for (const auto& score : scores) strata.push_back(labels::ToJson(score));
    std::cout << nlohmann::json{{"model", model.model}, {"mode", mode},     {"min_confidence", model.min_confidence},
                                {"images", images},     {"failed", failed}, {"by", flags.by},
                                {"strata", strata}}
                     .dump(2)
              << "\n";
    return;
  }
  std::printf("model %s --mode %s, %zu labelled images (%zu failed)\n", model.model.c_str(), mode.c_str(), images,
              failed);
  for (const auto& score : scores) {
    std::printf("%-20s AP %.3f  (%lld images, %lld faces, %lld detections)\n", score.name.c_str(), score.ap,
                static_cast<long long>(score.images), static_cast<long long>(score.faces),
                static_cast<long long>(score.detections));
  }
}

}  // namespace

void RegisterLabelsEvalFlags(CLI::App& command, LabelsEvalFlags& flags) {
  command.add_flag("--labels", flags.labels, "measure on the imported labels of the service's requests");
  command.add_option("--from", flags.from, "with --labels: requests received at or after (RFC 3339)");
  command.add_option("--to", flags.to, "with --labels: requests received before (RFC 3339)");
  command.add_option("--by", flags.by, "with --labels: AP per period, brightness or face_size too");
  command.add_option("--period", flags.period, "with --by period: day or month")
      ->check(CLI::IsMember({"day", "month"}));
  command.add_flag("--json", flags.json, "with --labels: the report as JSON");
  command.add_option("--data-dir", flags.data_dir, "with --labels: data folder of the service (default ./data)");
  command.add_option("--config", flags.config_file, "with --labels: TOML configuration file");
}

int RunLabelsEval(const LabelsEvalFlags& flags, const ModelOptions& model, int threads) {
  const labels::BenchmarkOptions options{labels::ParseStrataBy(flags.by, "--by"), flags.period};
  service::ConfigFlags config_flags;
  if (!flags.data_dir.empty()) config_flags.data_dir = flags.data_dir;
  if (!flags.config_file.empty()) config_flags.config_file = flags.config_file;
  const service::Config config = service::ResolveConfig(config_flags);
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  requests::RequestStore requests(*database);
  labels::LabelStore store(*database);
  const auto images = labels::LoadLabelled(store, requests, TimeFlag(flags.from, "--from"), TimeFlag(flags.to, "--to"));
  if (images.empty()) throw Error(ErrorCode::kNotFound, "no labelled requests (faceloop import, then eval --labels)");

  storage::LocalObjectStore local(std::filesystem::path(config.data_dir) / "objects");
  const auto remote = service::OpenRemoteStore(config);
  const auto tiered = remote ? std::make_unique<storage::TieredObjectStore>(local, *remote) : nullptr;
  storage::IObjectStore& objects = tiered ? static_cast<storage::IObjectStore&>(*tiered) : local;
  const Detections detections = RunModel(images, objects, model, threads);
  const auto failed = static_cast<std::size_t>(std::count(detections.failed.begin(), detections.failed.end(), true));
  Print(flags, model, images.size(), failed, labels::Score(images, detections.faces, detections.failed, options));
  return failed > 0 ? 1 : 0;
}

}  // namespace faceloop::cli
