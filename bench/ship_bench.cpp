// Shipping throughput into the production backends, with the code the service ships with:
// records/s into PostgreSQL and OpenSearch, images/s into S3 (and SQLite for comparison), from a
// backlog of realistic request records, in batches of the shipper's size.
//
//   source DIR/servers.env   # tests/servers/all.sh start DIR
//   build/release/bench/ship_bench [RECORDS] [IMAGE_FILE]
//
// Prints one line per backend. Needs FACELOOP_TEST_DATABASE_URL, FACELOOP_TEST_S3_URL (+ AWS_*),
// FACELOOP_TEST_SEARCH_URL; a backend whose variable is missing is skipped.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <vector>

#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"
#include "db/timestamp.hpp"
#include "events/database_sink.hpp"
#include "events/object_sink.hpp"
#include "events/records.hpp"
#include "events/search_delivery.hpp"
#include "requests/record_json.hpp"
#include "search/opensearch_sink.hpp"
#include "storage/group_commit.hpp"
#include "storage/local_object_store.hpp"
#include "storage/s3_object_store.hpp"

namespace {

using namespace faceloop;
using Clock = std::chrono::steady_clock;
constexpr std::size_t kBatch = 500;  // ShipperOptions::batch_records

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string Tag() { return "bench" + std::to_string(std::random_device{}() % 1000000); }

std::vector<std::string> MakeRecords(std::size_t count, const std::string& user) {
  std::vector<std::string> records;
  const auto now = std::chrono::system_clock::now();
  for (std::size_t i = 0; i < count; ++i) {
    const std::string id = "BENCH" + std::to_string(1000000 + i);
    nlohmann::json faces = nlohmann::json::array();
    faces.push_back({{"box", {{"x", 175.9}, {"y", 52.1}, {"width", 96.1}, {"height", 124.6}}},
                     {"confidence", 0.9065},
                     {"landmarks", nlohmann::json::array({{{"type", "right_eye"}, {"x", 200.1}, {"y", 90.3}}})}});
    records.push_back(events::ToSpoolRecord(
        requests::FromJson({{"request_id", id},
                            {"received_at", db::FormatTimestamp(now)},
                            {"user_id", user},
                            {"key_id", "k1"},
                            {"client_ip", "127.0.0.1"},
                            {"user_agent", "ship_bench"},
                            {"status", 200},
                            {"model_name", "auto"},
                            {"model_version", "mediapipe-full@human-models-3.0.4"},
                            {"min_confidence", 0.5},
                            {"tiling", false},
                            {"face_count", 1},
                            {"confidence_min", 0.9065},
                            {"confidence_mean", 0.9065},
                            {"confidence_max", 0.9065},
                            {"decode_ms", 1.2},
                            {"inference_ms", 11.0},
                            {"total_ms", 13.1},
                            {"image_key", "inputs/2026/11/28/" + id + ".jpg"},
                            {"image_bytes", 40000},
                            {"image", {{"width", 640}, {"height", 480}, {"format", "jpeg"}, {"brightness", 0.45}}},
                            {"faces", faces}})));
  }
  return records;
}

/// Ships `records` in shipper-sized batches through `deliver`; prints the rate.
void Ship(const char* what, const char* unit, const std::vector<std::string>& records,
          const std::function<void(const std::vector<std::string>&)>& deliver) {
  const auto start = Clock::now();
  for (std::size_t at = 0; at < records.size(); at += kBatch) {
    const std::vector<std::string> batch(
        records.begin() + static_cast<std::ptrdiff_t>(at),
        records.begin() + static_cast<std::ptrdiff_t>(std::min(at + kBatch, records.size())));
    deliver(batch);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%-28s %8.0f %s/s  (%zu in %.2f s, batches of %zu)\n", what,
              static_cast<double>(records.size()) / seconds, unit, records.size(), seconds, kBatch);
}

void BenchDatabase(db::IDatabase& database, const char* what, const std::vector<std::string>& records) {
  database.ApplyMigrations(db::FaceloopMigrations(database.dialect()));
  database.Execute("INSERT INTO users (id, email, role, created_at) VALUES ('bench-user', ?, 'user', 'now')",
                   {Tag() + "@bench.invalid"});
  Ship(what, "records", records, [&](const auto& batch) { events::DeliverToDatabase(database, batch); });
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t count = argc > 1 ? std::stoul(argv[1]) : 5000;
  std::vector<std::uint8_t> image(40000);
  if (argc > 2) {
    std::ifstream in(argv[2], std::ios::binary);
    image.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    std::mt19937 random(7);
    for (auto& byte : image) byte = static_cast<std::uint8_t>(random());
  }
  const auto records = MakeRecords(count, "bench-user");
  const auto dir = std::filesystem::temp_directory_path() / Tag();
  std::filesystem::create_directories(dir);
  try {
    {
      db::SqliteOptions options;
      options.path = (dir / "bench.db").string();
      options.synchronous = db::SqliteOptions::Synchronous::kFull;
      db::SqliteDatabase sqlite(options);
      BenchDatabase(sqlite, "SQLite (embedded default)", records);
    }
    if (const auto url = Env("FACELOOP_TEST_DATABASE_URL")) {
      const std::string name = Tag();
      pqxx::connection admin(*url);
      pqxx::nontransaction(admin).exec("CREATE DATABASE " + name);
      {
        db::PostgresDatabase postgres(db::PostgresOptions{url->substr(0, url->rfind('/') + 1) + name});
        BenchDatabase(postgres, "PostgreSQL", records);
      }
      pqxx::nontransaction(admin).exec("DROP DATABASE " + name + " WITH (FORCE)");
    }
    if (const auto url = Env("FACELOOP_TEST_SEARCH_URL")) {
      search::OpenSearchConfig config;
      config.url = *url;
      config.index_prefix = Tag();
      auto sink = search::MakeOpenSearchSink(config);
      sink->EnsureSetup();
      Ship("OpenSearch (+ detect events)", "records", records,
           [&](const auto& batch) { events::DeliverToSearch(*sink, batch); });
    }
    // The images come out of the spool with their records (the request path spools them).
    const std::string image_bytes(image.begin(), image.end());
    const auto with_images = [&](const std::vector<std::string>& batch) {
      return std::vector<std::string>(batch.size(), image_bytes);
    };
    {
      storage::GroupCommitter committer;
      storage::LocalObjectStore local(dir / "objects", &committer);
      const std::string what = "local folder (" + std::to_string(image.size() / 1000) + " KB images)";
      Ship(what.c_str(), "images", records,
           [&](const auto& batch) { events::StoreImages(local, batch, with_images(batch)); });
    }
    if (const auto url = Env("FACELOOP_TEST_S3_URL")) {
      storage::GroupCommitter committer;
      storage::LocalObjectStore local(dir / "objects", &committer);
      auto location = storage::ParseS3Url(*url);
      location.prefix = Tag();
      storage::S3ObjectStore s3(location, storage::CredentialsFromEnv([](const char* name) { return Env(name); }));
      s3.EnsureBucket();
      const std::string what = "S3 (" + std::to_string(image.size() / 1000) + " KB images)";
      Ship(what.c_str(), "images", records,
           [&](const auto& batch) { events::DeliverImages(local, s3, batch, with_images(batch)); });
    }
  } catch (const std::exception& e) {
    std::cerr << "ship_bench: " << e.what() << "\n";
    std::filesystem::remove_all(dir);
    return 1;
  }
  std::filesystem::remove_all(dir);
  return 0;
}
