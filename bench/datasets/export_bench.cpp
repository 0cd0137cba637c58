// A dataset export at scale: loads synthetic request records (100 k by default, the insights
// benchmark's traffic) into SQLite, then exports them all (strategy random, COCO) and prints the
// time and the peak RSS of the export alone. The images come from an in-process store that makes
// a small distinct JPEG for each key on demand, so the benchmark needs no 100 k files of input
// (the export still reads, hashes, decodes and writes every one).
//
//   build/release/bench/export_bench [--records N] [--dir DIR] [--format coco|yolo|wider|labelstudio]
//
// The loaded database stays (DIR/export-N.db) and is reused; the export folder is removed after.
// A number, not a test: docs/datasets.md has the measured one.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <CLI/CLI.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "bench/insights/synthetic_traffic.hpp"
#include "common/time.hpp"
#include "datasets/job.hpp"
#include "db/migrations.hpp"
#include "db/sqlite_database.hpp"
#include "requests/store.hpp"

namespace {

using namespace faceloop;
using Clock = std::chrono::steady_clock;

/// An 18x16 JPEG of random blocks seeded by the key: every key its own picture (distinct dHash).
class SyntheticImages final : public storage::IObjectStore {
 public:
  void Put(const std::string&, std::span<const std::uint8_t>) override {}
  std::optional<std::vector<std::uint8_t>> Get(const std::string& key) override {
    cv::Mat blocks(8, 9, CV_8UC3);
    cv::RNG rng(std::hash<std::string>{}(key));
    rng.fill(blocks, cv::RNG::UNIFORM, 0, 256);
    cv::Mat image;
    cv::resize(blocks, image, cv::Size(18, 16), 0, 0, cv::INTER_NEAREST);
    std::vector<std::uint8_t> bytes;
    cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, 80});
    return bytes;
  }
  void Delete(const std::string&) override {}
  bool Exists(const std::string&) override { return true; }
  std::vector<std::string> List(const std::string&) override { return {}; }
};

void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

double RssMib(const char* field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field, 0) == 0) return std::stod(line.substr(std::string(field).size())) / 1024;
  }
  return 0;
}

void Load(db::IDatabase& database, std::int64_t records) {
  database.ApplyMigrations(db::FaceloopMigrations(database.dialect()));
  const auto row = database.QueryOne("SELECT COUNT(*) FROM requests");
  const std::int64_t stored = row ? row->Get<std::int64_t>(0) : 0;
  if (stored == records) return;
  if (stored != 0) throw std::runtime_error("the database holds other records: remove it first");
  const auto started = Clock::now();
  bench::TrafficShape shape;
  shape.records = records;
  shape.start = ParseTimestamp("2026-10-01T00:00:00Z");
  bench::SyntheticTraffic traffic(shape);
  while (traffic.More()) {
    database.Transaction([&](db::IDatabase& tx) {
      for (int i = 0; i < 10000 && traffic.More(); ++i) requests::RequestStore::Insert(tx, traffic.Next());
    });
  }
  std::printf("loaded %lld records in %.1f s\n", static_cast<long long>(records),
              std::chrono::duration<double>(Clock::now() - started).count());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dataset export at scale"};
  std::int64_t records = 100'000;
  std::string dir = "/tmp/faceloop-export-bench";
  std::string format = "coco";
  app.add_option("--records", records, "synthetic records")->capture_default_str();
  app.add_option("--dir", dir, "where the database and the export go")->capture_default_str();
  app.add_option("--format", format, "coco, yolo, wider or labelstudio")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  std::filesystem::create_directories(dir);
  db::SqliteDatabase database(db::SqliteOptions{dir + "/export-" + std::to_string(records) + ".db"});
  Load(database, records);
  const std::string out = dir + "/out";
  std::filesystem::remove_all(out);
  const datasets::ExportParams params =
      datasets::ParseExportParams({{"strategies", "random"}, {"format", format}, {"limit", records}, {"to", out}});
  SyntheticImages images;
  const auto now = std::chrono::system_clock::now();
  const std::string id = datasets::NewExportId(now);
  datasets::StartExport(database, params, id, "bench", now);
  const double rss_before = RssMib("VmRSS:");
  ResetPeakRss();
  const auto started = Clock::now();
  const datasets::ExportRecord done = datasets::FinishExport({database, images, {}, {}}, params, id, true);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("exported %lld images (%s) in %.1f s (%.0f / s); RSS before %.0f MiB, peak during the export %.0f MiB\n",
              static_cast<long long>(done.counts.value("images", 0)), format.c_str(), seconds,
              static_cast<double>(done.counts.value("images", 0)) / seconds, rss_before, RssMib("VmHWM:"));
  std::printf("counts: %s\n", done.counts.dump().c_str());
  std::fflush(stdout);
  std::filesystem::remove_all(out);
  return 0;
}
