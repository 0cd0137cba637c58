#include "telemetry/metrics.hpp"

#include <gtest/gtest.h>

namespace faceloop::telemetry {
namespace {

TEST(MetricsTest, CountersAndGaugesRenderWithTheirTypes) {
  MetricsRegistry registry;
  Counter& faces = registry.AddCounter("faceloop_faces_total", "Faces.");
  faces.Add(3);
  faces.Add();
  double depth = 2;
  registry.Add("faceloop_queue_depth", "Jobs waiting.", MetricsRegistry::Type::kGauge, [&depth] { return depth; });
  const std::string text = registry.Render();
  EXPECT_NE(text.find("# TYPE faceloop_faces_total counter\nfaceloop_faces_total 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE faceloop_queue_depth gauge\nfaceloop_queue_depth 2\n"), std::string::npos) << text;
  depth = 5;
  EXPECT_NE(registry.Render().find("faceloop_queue_depth 5\n"), std::string::npos);
}

TEST(MetricsTest, LabelledSeriesShareOneHeader) {
  MetricsRegistry registry;
  registry.Add("faceloop_ship_total{backend=\"a\"}", "Shipped.", MetricsRegistry::Type::kCounter, [] { return 1.0; });
  registry.Add("faceloop_ship_total{backend=\"b\"}", "Shipped.", MetricsRegistry::Type::kCounter, [] { return 2.0; });
  const std::string text = registry.Render();
  EXPECT_EQ(text.find("# TYPE faceloop_ship_total"), text.rfind("# TYPE faceloop_ship_total"));
  EXPECT_NE(text.find("faceloop_ship_total{backend=\"b\"} 2\n"), std::string::npos);
}

TEST(MetricsTest, CollectorsAppendTheirOwnLines) {
  MetricsRegistry registry;
  registry.AddCollector([](std::string& out) { out += "# TYPE x histogram\nx_count 1\n"; });
  EXPECT_NE(registry.Render().find("x_count 1\n"), std::string::npos);
}

}  // namespace
}  // namespace faceloop::telemetry
