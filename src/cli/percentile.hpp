#pragma once
#include <vector>

namespace faceloop::cli {

/// The p-th percentile (0..100) of `values` (nearest rank); 0 for an empty list.
double Percentile(std::vector<double> values, double p);

}  // namespace faceloop::cli
