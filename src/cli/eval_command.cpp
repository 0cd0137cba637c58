// `faceloop eval --annotations FILE`: WIDER-protocol AP (easy / medium / hard) of a detector on a
// labelled set, plus throughput and per-image latency. `faceloop eval --labels`: the same AP on the
// service's imported labels (eval_labels.hpp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include <opencv2/core.hpp>

#include "cli/commands.hpp"
#include "cli/eval_labels.hpp"
#include "cli/files.hpp"
#include "cli/parallel.hpp"
#include "cli/percentile.hpp"
#include "common/error.hpp"
#include "detect/pipeline.hpp"
#include "eval/average_precision.hpp"

namespace faceloop::cli {
namespace {

struct EvalArgs {
  ModelOptions model;
  std::string annotations;
  std::size_t limit = 0;
  int threads = 0;
  LabelsEvalFlags labels;
};

struct ImageOutcome {
  std::vector<detect::Face> faces;
  double total_ms = 0;
  bool failed = false;
};

int Run(const EvalArgs& args) {
  const int threads =
      args.threads > 0 ? args.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (args.labels.labels != args.annotations.empty()) {
    throw Error(ErrorCode::kBadRequest, "eval takes --annotations FILE or --labels (one of them)");
  }
  if (args.labels.labels) return RunLabelsEval(args.labels, args.model, threads);
  std::vector<eval::AnnotatedImage> images = eval::LoadAnnotations(args.annotations);
  if (args.limit > 0 && images.size() > args.limit) images.resize(args.limit);
  cv::setNumThreads(1);  // parallelism comes from one worker per core, not from inside one image

  detect::DetectorRegistry registry(args.model.Paths(), args.model.SelectedRuntime());
  const detect::DetectOptions options = args.model.Options();
  std::vector<ImageOutcome> outcomes(images.size());
  const auto start = std::chrono::steady_clock::now();
  ForEachParallel(registry, args.model.model, images.size(), threads, [&](detect::IDetector& detector, std::size_t i) {
    try {
      const auto bytes = ReadFileBytes(images[i].file);
      detect::DetectionResult result = detect::RunDetection(detector, bytes, options);
      outcomes[i] = ImageOutcome{std::move(result.faces), result.timing.total_ms, false};
    } catch (const Error& e) {
      (void)std::fprintf(stderr, "%s: %s\n", images[i].file.c_str(), e.what());
      outcomes[i].failed = true;
    }
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  eval::ApEvaluator evaluator;
  std::vector<double> latencies;
  int failed = 0;
  for (std::size_t i = 0; i < images.size(); ++i) {
    evaluator.Add(images[i], outcomes[i].faces);
    latencies.push_back(outcomes[i].total_ms);
    failed += outcomes[i].failed ? 1 : 0;
  }
  const eval::ApResult ap = evaluator.Compute();
  std::printf("model %s%s, %zu images (%d failed), %d threads\n", args.model.model.c_str(),
              (" --mode " + std::string(detect::ModeName(options.EffectiveMode()))).c_str(), images.size(), failed,
              threads);
  std::printf("AP easy %.3f  medium %.3f  hard %.3f\n", ap.easy, ap.medium, ap.hard);
  std::printf(
      "throughput %.1f images/s; latency per image (decode+detect, one core) p50 %.1f ms  p90 %.1f ms  p99 %.1f ms\n",
      static_cast<double>(images.size()) / seconds, Percentile(latencies, 50), Percentile(latencies, 90),
      Percentile(latencies, 99));
  return failed > 0 ? 1 : 0;
}

}  // namespace

Action RegisterEval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  args->model.min_confidence = 0.05f;  // AP needs the whole precision/recall curve
  CLI::App* command =
      app.add_subcommand("eval", "WIDER-protocol AP of a detector on a labelled set or on the imported labels");
  args->model.Register(*command);
  command->add_option("--annotations", args->annotations, "facebench-style annotations JSON");
  command->add_option("--limit", args->limit, "evaluate only the first N images");
  command->add_option("--threads", args->threads, "worker threads (default: all cores)");
  RegisterLabelsEvalFlags(*command, args->labels);
  return [args] { return Run(*args); };
}

}  // namespace faceloop::cli
