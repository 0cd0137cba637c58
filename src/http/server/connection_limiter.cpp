#include "http/server/connection_limiter.hpp"

namespace faceloop::http {

ConnectionLimiter::Ticket::~Ticket() {
  if (limiter_ != nullptr) limiter_->Release(address_);
}

ConnectionLimiter::Ticket::Ticket(Ticket&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)), address_(std::move(other.address_)) {}

ConnectionLimiter::ConnectionLimiter(std::size_t max_total, std::size_t max_per_address)
    : max_total_(max_total), max_per_address_(max_per_address) {}

std::optional<ConnectionLimiter::Ticket> ConnectionLimiter::TryAcquire(const std::string& address) {
  std::lock_guard lock(mutex_);
  if (total_ >= max_total_) return std::nullopt;
  std::size_t& mine = per_address_[address];
  if (mine >= max_per_address_) {
    if (mine == 0) per_address_.erase(address);
    return std::nullopt;
  }
  ++mine;
  ++total_;
  return Ticket(*this, address);
}

std::size_t ConnectionLimiter::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

std::size_t ConnectionLimiter::count(const std::string& address) const {
  std::lock_guard lock(mutex_);
  const auto found = per_address_.find(address);
  return found == per_address_.end() ? 0 : found->second;
}

void ConnectionLimiter::Release(const std::string& address) {
  std::lock_guard lock(mutex_);
  --total_;
  const auto found = per_address_.find(address);
  // Forget addresses with no connection left, so the map does not grow with every client ever seen.
  if (found != per_address_.end() && --found->second == 0) per_address_.erase(found);
}

}  // namespace faceloop::http
