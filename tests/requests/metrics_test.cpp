// The SQL expressions of the record's numeric fields, evaluated by SQLite and a real PostgreSQL:
// typed columns, metadata numbers, booleans as 0/1, absent values as NULL; other names refused.
#include "requests/metrics.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/time.hpp"
#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"
#include "requests/store.hpp"
#include "support/migrated_database.hpp"
#include "support/scratch_postgres.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::requests {
namespace {

class MetricsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    RequestRecord r;
    r.request_id = "r1";
    r.user_id = "u";
    r.received_at = ParseTimestamp("2026-11-01T10:00:00.000Z");
    r.model_name = "m";
    r.face_count = 2;
    r.total_ms = 12.5;
    r.image = {{"format", "jpeg"}, {"width", 640}, {"brightness", 0.25}, {"has_alpha", true}};
    RequestStore::Insert(*db_, r);
  }

  std::optional<double> Value(std::string_view field) {
    const auto row = db_->QueryOne("SELECT " + NumericSql(field, db_->dialect()) + " FROM requests WHERE id = 'r1'");
    return row->Get<std::optional<double>>(0);
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
};

TEST_P(MetricsTest, ReadsColumnsAndMetadata) {
  EXPECT_EQ(Value("face_count"), 2.0);
  EXPECT_EQ(Value("total_ms"), 12.5);
  EXPECT_EQ(Value("confidence_max"), std::nullopt);
  EXPECT_EQ(Value("image.width"), 640.0);
  EXPECT_EQ(Value("image.brightness"), 0.25);
  EXPECT_EQ(Value("image.has_alpha"), 1.0);
  EXPECT_EQ(Value("image.contrast"), std::nullopt);  // absent from this record
}

TEST_P(MetricsTest, RefusesWhatIsNotANumberOfTheRecord) {
  for (const char* name : {"image.format", "user_id", "image", "faces", "image.nope", "nope", "image.width; --"}) {
    EXPECT_THROW(NumericSql(name, db_->dialect()), Error) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Databases, MetricsTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace faceloop::requests
