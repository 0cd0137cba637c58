// `faceloop bench`: the physical limit of the engine on this machine — the model-only loop (decode +
// detect, no HTTP, no logging) on one thread and on all cores, side by side in one run.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "cli/commands.hpp"
#include "cli/files.hpp"
#include "cli/parallel.hpp"
#include "cli/percentile.hpp"
#include "common/error.hpp"
#include "detect/pipeline.hpp"
#include "eval/annotations.hpp"

namespace faceloop::cli {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct BenchArgs {
  ModelOptions model;
  std::string annotations;
  std::vector<std::string> images;
  std::size_t limit = 100;
  bool vga = false;
  int rounds = 1;
};

/// Re-encodes an image as a 640x480 JPEG (quality 90): the reference size of the latency target.
Bytes ToVgaJpeg(const Bytes& bytes) {
  cv::Mat image = cv::imdecode(bytes, cv::IMREAD_COLOR);
  if (image.empty()) return bytes;
  cv::resize(image, image, cv::Size(640, 480), 0, 0, cv::INTER_AREA);
  Bytes out;
  cv::imencode(".jpg", image, out, {cv::IMWRITE_JPEG_QUALITY, 90});
  return out;
}

std::vector<Bytes> LoadInputs(const BenchArgs& args) {
  std::vector<std::string> files = args.images;
  if (!args.annotations.empty()) {
    for (const auto& image : eval::LoadAnnotations(args.annotations)) files.push_back(image.file.string());
  }
  if (args.limit > 0 && files.size() > args.limit) files.resize(args.limit);
  std::vector<Bytes> inputs;
  inputs.reserve(files.size());
  for (const auto& file : files) inputs.push_back(args.vga ? ToVgaJpeg(ReadFileBytes(file)) : ReadFileBytes(file));
  return inputs;
}

struct Measurement {
  double images_per_second = 0;
  std::vector<double> latencies;
  std::vector<double> cpu_ms;  // CPU time of the worker thread per image: robust on a shared machine
};

double ThreadCpuMs() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

Measurement Measure(detect::DetectorRegistry& registry, const BenchArgs& args, const std::vector<Bytes>& inputs,
                    int threads) {
  const detect::DetectOptions options = args.model.Options();
  const std::size_t total = inputs.size() * static_cast<std::size_t>(args.rounds);
  std::vector<double> latencies(total);
  std::vector<double> cpu_ms(total);
  const auto start = std::chrono::steady_clock::now();
  ForEachParallel(registry, args.model.model, total, threads, [&](detect::IDetector& detector, std::size_t i) {
    const auto t0 = std::chrono::steady_clock::now();
    const double cpu0 = ThreadCpuMs();
    const auto& bytes = inputs[i % inputs.size()];
    const auto image = detect::Decode(bytes, {{}, detector.MinDecodeLongSide(options)});
    detector.Detect(image.rgb, options);
    latencies[i] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    cpu_ms[i] = ThreadCpuMs() - cpu0;
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Measurement{static_cast<double>(total) / seconds, latencies, cpu_ms};
}

void Print(const char* label, const Measurement& m) {
  std::printf("%-22s %8.1f images/s   latency p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms   cpu/image p50 %6.2f ms\n",
              label, m.images_per_second, Percentile(m.latencies, 50), Percentile(m.latencies, 90),
              Percentile(m.latencies, 99), Percentile(m.cpu_ms, 50));
}

int Run(const BenchArgs& args) {
  const std::vector<Bytes> inputs = LoadInputs(args);
  if (inputs.empty()) throw Error(ErrorCode::kUnprocessable, "no input images (use --annotations or IMAGE...)");
  cv::setNumThreads(1);
  detect::DetectorRegistry registry(args.model.Paths(), args.model.SelectedRuntime());
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::printf("model-only loop (decode + detect): model %s --mode %s, runtime %s, %zu %s images x %d rounds\n",
              args.model.model.c_str(), std::string(detect::ModeName(args.model.Options().EffectiveMode())).c_str(),
              args.model.runtime.c_str(), inputs.size(), args.vga ? "640x480 JPEG" : "original", args.rounds);
  Measure(registry, args, {inputs.front()}, 1);  // warm-up: weights, allocations
  const Measurement one = Measure(registry, args, inputs, 1);
  const Measurement all = Measure(registry, args, inputs, cores);
  Print("1 thread", one);
  Print((std::to_string(cores) + " threads (all cores)").c_str(), all);
  std::printf("scaling all/1: %.2fx\n", all.images_per_second / one.images_per_second);
  return 0;
}

}  // namespace

Action RegisterBench(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* command = app.add_subcommand("bench", "model-only throughput and latency (decode + detect)");
  args->model.Register(*command);
  command->add_option("--annotations", args->annotations, "take images from a facebench annotations JSON");
  command->add_option("--limit", args->limit, "use at most N images (0 = all)")->capture_default_str();
  command->add_flag("--vga", args->vga, "re-encode every input as a 640x480 JPEG first");
  command->add_option("--rounds", args->rounds, "passes over the inputs")->check(CLI::PositiveNumber);
  command->add_option("images", args->images, "image files");
  return [args] { return Run(*args); };
}

}  // namespace faceloop::cli
