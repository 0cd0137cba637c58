#include "scheduler/leader.hpp"

#include <pqxx/pqxx>

#include "telemetry/log.hpp"

namespace faceloop::scheduler {
namespace {

const telemetry::Logger kLog("scheduler");

class LocalLeader final : public ILeaderLock {
 public:
  bool Hold() override { return true; }
  void Release() override {}
};

class PostgresLeader final : public ILeaderLock {
 public:
  PostgresLeader(std::string url, std::int64_t key) : url_(std::move(url)), key_(key) {}
  ~PostgresLeader() override { PostgresLeader::Release(); }
  PostgresLeader(const PostgresLeader&) = delete;
  PostgresLeader& operator=(const PostgresLeader&) = delete;

  bool Hold() override {
    try {
      if (!connection_) Connect();
      pqxx::nontransaction tx(*connection_);
      if (held_) {
        tx.exec("SELECT 1");  // a broken session throws: its lock is gone with it
        return true;
      }
      held_ = tx.exec_params1("SELECT pg_try_advisory_lock($1)", key_)[0].as<bool>();
      if (held_) kLog.Info("this process leads the scheduler");
      return held_;
    } catch (const std::exception& e) {
      if (held_) kLog.Warn(std::string("lost the scheduler lock: ") + e.what());
      connection_.reset();
      held_ = false;
      return false;
    }
  }

  void Release() override {
    // Closing the session releases its locks; an explicit unlock first tells a follower sooner
    // where the connection is pooled by a proxy.
    try {
      if (connection_ && held_) pqxx::nontransaction(*connection_).exec_params("SELECT pg_advisory_unlock($1)", key_);
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): the close below releases it anyway
    }
    connection_.reset();
    held_ = false;
  }

 private:
  void Connect() {
    connection_ = std::make_unique<pqxx::connection>(url_);
    // The server notices a vanished leader host within about 30 s instead of hours.
    pqxx::nontransaction(*connection_)
        .exec("SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3");
  }

  const std::string url_;
  const std::int64_t key_;
  std::unique_ptr<pqxx::connection> connection_;
  bool held_ = false;
};

}  // namespace

std::unique_ptr<ILeaderLock> MakeLocalLeader() { return std::make_unique<LocalLeader>(); }

std::unique_ptr<ILeaderLock> MakePostgresLeader(std::string url, std::int64_t key) {
  return std::make_unique<PostgresLeader>(std::move(url), key);
}

std::unique_ptr<ILeaderLock> MakeLeaderLock(const std::string& database_url) {
  if (database_url.empty()) return MakeLocalLeader();
  return MakePostgresLeader(database_url);
}

}  // namespace faceloop::scheduler
