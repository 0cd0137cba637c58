// Percentiles from a histogram: interpolated within the bin, never further from the exact value
// than that bin's width; moments are exact.
#include "insights/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "common/error.hpp"

namespace faceloop::insights {
namespace {

const Feature& Latency() { return *FindFeature("total_ms"); }
const Feature& Score() { return *FindFeature("faces.confidence"); }

/// The exact percentile of sorted values with the same rank convention (rank = p/100 * n).
double Exact(const std::vector<double>& sorted, double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double WidthAt(const Feature& feature, double value) {
  const std::size_t bin = BinOf(feature, value);
  return feature.edges[bin + 1] - feature.edges[bin];
}

TEST(HistogramTest, EmptyHasNoPercentileOrMean) {
  const Histogram h(Latency());
  EXPECT_FALSE(h.Percentile(50).has_value());
  EXPECT_FALSE(h.moments().Mean().has_value());
}

TEST(HistogramTest, InterpolatesWithinTheBin) {
  Histogram h(*FindFeature("face_count"));  // bins [k, k+1) for small k
  for (int i = 0; i < 4; ++i) h.Add(2);
  EXPECT_DOUBLE_EQ(*h.Percentile(0), 2.0);
  EXPECT_DOUBLE_EQ(*h.Percentile(50), 2.5);
  EXPECT_DOUBLE_EQ(*h.Percentile(100), 3.0);
  EXPECT_DOUBLE_EQ(*h.moments().Mean(), 2.0);
  EXPECT_DOUBLE_EQ(*h.moments().StdDev(), 0.0);
}

TEST(HistogramTest, PercentilesWithinOneBinWidthOfTheExactValues) {
  std::mt19937 random(7);
  std::lognormal_distribution<double> latency(std::log(40.0), 0.8);
  std::uniform_real_distribution<double> score(0.5, 1.0);
  for (const Feature* feature : {&Latency(), &Score()}) {
    Histogram h(*feature);
    std::vector<double> values;
    for (int i = 0; i < 5000; ++i) {
      values.push_back(feature == &Latency() ? latency(random) : score(random));
      h.Add(values.back());
    }
    std::sort(values.begin(), values.end());
    for (const double p : {1.0, 10.0, 50.0, 90.0, 95.0, 99.0}) {
      const double exact = Exact(values, p);
      EXPECT_NEAR(*h.Percentile(p), exact, WidthAt(*feature, exact)) << feature->name << " p" << p;
    }
    double sum = 0;
    for (const double v : values) sum += v;
    EXPECT_NEAR(*h.moments().Mean(), sum / 5000, 1e-9 * sum);
  }
}

TEST(HistogramTest, MergedHistogramsAreTheHistogramOfAllValues) {
  Histogram a(Latency()), b(Latency()), all(Latency());
  for (const double v : {1.0, 5.0, 70.0}) {
    a.Add(v);
    all.Add(v);
  }
  for (const double v : {3.0, 900.0}) {
    b.Add(v);
    all.Add(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.counts(), all.counts());
  EXPECT_DOUBLE_EQ(a.moments().sum_sq, all.moments().sum_sq);
  EXPECT_EQ(*a.Percentile(50), *all.Percentile(50));
}

TEST(HistogramTest, ABinOutsideTheEdgesIsAnError) {
  Histogram h(Score());
  EXPECT_THROW(h.AddBin(Score().bins(), Moments{1, 1, 1}), Error);
}

}  // namespace
}  // namespace faceloop::insights
