#pragma once
// A fresh, empty PostgreSQL database per test on the server named by FACELOOP_TEST_DATABASE_URL,
// dropped afterwards.
#include <pqxx/pqxx>
#include <random>
#include <string>

namespace faceloop::testing {

class ScratchPostgres {
 public:
  explicit ScratchPostgres(std::string admin_url) : admin_url_(std::move(admin_url)) {
    name_ = "faceloop_t_" + std::to_string(std::random_device{}()) + std::to_string(std::random_device{}());
    pqxx::connection admin(admin_url_);
    pqxx::nontransaction(admin).exec("CREATE DATABASE " + name_);
    const auto slash = admin_url_.rfind('/');
    url_ = admin_url_.substr(0, slash + 1) + name_;
  }
  ~ScratchPostgres() {
    try {
      pqxx::connection admin(admin_url_);
      pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
      // Left behind on a stopped server: harmless, the server's data dir is thrown away.
    }
  }
  ScratchPostgres(const ScratchPostgres&) = delete;
  ScratchPostgres& operator=(const ScratchPostgres&) = delete;

  const std::string& url() const { return url_; }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace faceloop::testing
