// `faceloop detect IMAGE...`: one JSON line per image; a bad file gives an error line, and the exit
// code is non-zero at the end.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/files.hpp"
#include "common/error.hpp"
#include "detect/pipeline.hpp"

namespace faceloop::cli {
namespace {

struct DetectArgs {
  ModelOptions model;
  std::string format = "jsonl";
  std::vector<std::string> images;
};

nlohmann::json ResultLine(const std::string& file, const detect::ModelInfo& model,
                          const detect::DetectionResult& result) {
  const detect::ImageMetadata& m = result.metadata;
  return {{"file", file},
          {"model", {{"name", model.name}, {"mode", detect::ModeName(result.mode)}, {"version", model.version}}},
          {"image", {{"width", m.width}, {"height", m.height}, {"format", m.format}}},
          {"faces", result.faces},
          {"metadata", m},
          {"timing_ms",
           {{"decode", result.timing.decode_ms},
            {"inference", result.timing.inference_ms},
            {"analysis", result.timing.analysis_ms},
            {"total", result.timing.total_ms}}}};
}

nlohmann::json ErrorLine(const std::string& file, const Error& error) {
  return {{"file", file},
          {"error", {{"status", error.http_status()}, {"type", TypeSlug(error.code())}, {"detail", error.what()}}}};
}

int Run(const DetectArgs& args) {
  detect::DetectorRegistry registry(args.model.Paths(), args.model.SelectedRuntime());
  const auto detector = registry.Create(args.model.model);
  const detect::DetectOptions options = args.model.Options();
  int failures = 0;
  for (const std::string& file : args.images) {
    nlohmann::json line;
    try {
      const std::vector<std::uint8_t> bytes = ReadFileBytes(file);
      line = ResultLine(file, detector->info(), detect::RunDetection(*detector, bytes, options));
    } catch (const Error& error) {
      ++failures;
      line = ErrorLine(file, error);
    }
    std::cout << (args.format == "json" ? line.dump(2) : line.dump()) << "\n";
  }
  std::cout.flush();
  if (failures > 0) std::cerr << "faceloop detect: " << failures << " of " << args.images.size() << " images failed\n";
  return failures > 0 ? 1 : 0;
}

}  // namespace

Action RegisterDetect(CLI::App& app) {
  auto args = std::make_shared<DetectArgs>();
  CLI::App* command = app.add_subcommand("detect", "find faces in images, one JSON line per image");
  args->model.Register(*command);
  command->add_option("--format", args->format, "jsonl (one line per image) or json (indented)")
      ->check(CLI::IsMember({"jsonl", "json"}))
      ->capture_default_str();
  command->add_option("images", args->images, "image files (JPEG, PNG, WebP)")->required();
  return [args] { return Run(*args); };
}

}  // namespace faceloop::cli
