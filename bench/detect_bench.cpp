// Micro-benchmarks of the engine's pieces (Google Benchmark). The model-only loop with numbers for
// docs/models.md is `faceloop bench`.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <benchmark/benchmark.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "detect/decode/decode.hpp"
#include "detect/decode/metadata.hpp"
#include "detect/models/nms.hpp"

namespace {

using faceloop::detect::DecodeOptions;

std::vector<std::uint8_t> VgaJpeg() {
  cv::Mat image = cv::imread("/usr/lib/python3/dist-packages/skimage/data/astronaut.png");
  cv::resize(image, image, cv::Size(640, 480));
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
  return jpeg;
}

void BM_DecodeVgaJpegFull(benchmark::State& state) {
  const auto jpeg = VgaJpeg();
  for (auto _ : state) benchmark::DoNotOptimize(faceloop::detect::Decode(jpeg));
}
BENCHMARK(BM_DecodeVgaJpegFull)->Unit(benchmark::kMillisecond);

void BM_DecodeVgaJpegDctHalf(benchmark::State& state) {
  const auto jpeg = VgaJpeg();
  for (auto _ : state) benchmark::DoNotOptimize(faceloop::detect::Decode(jpeg, DecodeOptions{{}, 320}));
}
BENCHMARK(BM_DecodeVgaJpegDctHalf)->Unit(benchmark::kMillisecond);

void BM_MetadataVga(benchmark::State& state) {
  const auto image = faceloop::detect::Decode(VgaJpeg());
  for (auto _ : state) benchmark::DoNotOptimize(faceloop::detect::ComputeMetadata(image));
}
BENCHMARK(BM_MetadataVga)->Unit(benchmark::kMillisecond);

void BM_WeightedNms(benchmark::State& state) {
  std::vector<faceloop::detect::Face> faces;
  cv::RNG rng(7);
  for (int i = 0; i < state.range(0); ++i) {
    faceloop::detect::Face face;
    face.box = {rng.uniform(0.f, 600.f), rng.uniform(0.f, 400.f), rng.uniform(10.f, 80.f), rng.uniform(10.f, 80.f)};
    face.confidence = rng.uniform(0.f, 1.f);
    faces.push_back(face);
  }
  for (auto _ : state) benchmark::DoNotOptimize(faceloop::detect::WeightedNms(faces, 0.3f));
}
BENCHMARK(BM_WeightedNms)->Arg(200)->Arg(2000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
