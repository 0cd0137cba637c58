#pragma once
// Runs one detector per worker thread over a list of inputs: how eval and bench use all cores.
#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "detect/registry.hpp"

namespace faceloop::cli {

/// Calls work(detector, index) for every index in [0, count), spread over `threads` workers, each
/// with its own detector instance (detectors are not thread-safe).
inline void ForEachParallel(detect::DetectorRegistry& registry, const std::string& model, std::size_t count,
                            int threads, const std::function<void(detect::IDetector&, std::size_t)>& work) {
  std::vector<std::unique_ptr<detect::IDetector>> detectors;
  detectors.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) detectors.push_back(registry.Create(model));
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (std::size_t i = next++; i < count; i = next++) work(*detectors[t], i);
    });
  }
  for (auto& worker : workers) worker.join();
}

}  // namespace faceloop::cli
