#pragma once
// Counts open connections, in total and per client address, so one client (or everyone together)
// cannot hold more sockets than the limits allow. Thread-safe.
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace faceloop::http {

class ConnectionLimiter {
 public:
  /// Releases its connection's place when destroyed. Must not outlive the limiter.
  class Ticket {
   public:
    Ticket(ConnectionLimiter& limiter, std::string address) : limiter_(&limiter), address_(std::move(address)) {}
    ~Ticket();
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&&) = delete;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    const std::string& address() const { return address_; }

   private:
    ConnectionLimiter* limiter_;
    std::string address_;
  };

  ConnectionLimiter(std::size_t max_total, std::size_t max_per_address);

  /// A place for a connection from `address`, or nullopt when a limit is reached.
  std::optional<Ticket> TryAcquire(const std::string& address);
  std::size_t total() const;
  std::size_t count(const std::string& address) const;

 private:
  void Release(const std::string& address);

  const std::size_t max_total_;
  const std::size_t max_per_address_;
  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> per_address_;
};

}  // namespace faceloop::http
