#pragma once
// `faceloop eval --labels`: the production benchmark (src/labels/benchmark.hpp): a detector's AP
// on the users' labelled images, read from the configured database and object store.
#include <string>

#include "cli/commands.hpp"

namespace faceloop::cli {

struct LabelsEvalFlags {
  bool labels = false;
  std::string from, to;          ///< RFC 3339; the requests' arrival window
  std::string by;                ///< "", period, brightness or face_size
  std::string period = "month";  ///< day or month, for --by period
  bool json = false;
  std::string data_dir;
  std::string config_file;
};

void RegisterLabelsEvalFlags(CLI::App& command, LabelsEvalFlags& flags);
/// Runs `model` over every labelled request's stored image with `threads` workers; prints the AP
/// overall and per stratum. Exit code 1 when an image could not be read or run.
int RunLabelsEval(const LabelsEvalFlags& flags, const ModelOptions& model, int threads);

}  // namespace faceloop::cli
