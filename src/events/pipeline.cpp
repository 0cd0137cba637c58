#include "events/pipeline.hpp"

namespace faceloop::events {
namespace {

SpoolOptions OptionsFor(std::uint64_t max_bytes, const std::vector<Pipeline::Backend>& backends) {
  SpoolOptions options;
  options.max_total_bytes = max_bytes;
  options.consumers.clear();
  for (const auto& backend : backends) options.consumers.push_back(backend.name);
  return options;
}

}  // namespace

Pipeline::Pipeline(const std::filesystem::path& data_dir, storage::GroupCommitter& committer, std::uint64_t max_bytes,
                   std::vector<Backend> backends)
    : max_bytes_(max_bytes), spool_(data_dir, committer, OptionsFor(max_bytes, backends)) {
  for (Backend& backend : backends) {
    shippers_.push_back(backend.deliver_attached
                            ? std::make_unique<Shipper>(spool_, backend.name, std::move(backend.deliver_attached))
                            : std::make_unique<Shipper>(spool_, backend.name, std::move(backend.deliver)));
  }
}

Pipeline::~Pipeline() { shippers_.clear(); }

void Pipeline::Append(std::string_view record) {
  spool_.Append(record);
  for (const auto& shipper : shippers_) shipper->Notify();
}

void Pipeline::AppendAsync(std::string_view record, storage::GroupCommitter::DoneFn done) {
  AppendAsync(record, {}, std::move(done));
}

void Pipeline::AppendAsync(std::string_view record, std::span<const std::uint8_t> attachment,
                           storage::GroupCommitter::DoneFn done) {
  spool_.AppendAsync(record, attachment, [this, done = std::move(done)](std::exception_ptr error) {
    if (!error) {
      for (const auto& shipper : shippers_) shipper->Notify();
    }
    done(std::move(error));
  });
}

bool Pipeline::WaitFor(std::string_view name, std::chrono::milliseconds timeout) {
  for (const auto& shipper : shippers_) {
    if (shipper->consumer() == name) return shipper->WaitCaughtUp(timeout);
  }
  return true;
}

SpoolStats Pipeline::Stats() const { return spool_.Stats(shippers_.empty() ? "" : shippers_.front()->consumer()); }

void Pipeline::RegisterMetrics(telemetry::MetricsRegistry& registry) const {
  using Type = telemetry::MetricsRegistry::Type;
  registry.Add("faceloop_spool_bytes", "Bytes in the spool's segment files (bounded by limits.spool_max_mb).",
               Type::kGauge, [this] { return static_cast<double>(Stats().total_bytes); });
  for (const auto& owned : shippers_) {
    const Shipper* ship = owned.get();
    const std::string label = "{backend=\"" + ship->consumer() + "\"}";
    auto stat = [ship](auto field) { return [ship, field] { return static_cast<double>(field(ship->Stats())); }; };
    registry.Add("faceloop_ship_backlog_records" + label, "Spooled records not yet shipped to the backend.",
                 Type::kGauge, stat([](const ShipperStats& s) { return s.spool.backlog_records; }));
    registry.Add("faceloop_ship_backlog_bytes" + label, "Bytes of spooled records not yet shipped to the backend.",
                 Type::kGauge, stat([](const ShipperStats& s) { return s.spool.backlog_bytes; }));
    registry.Add("faceloop_ship_oldest_age_seconds" + label, "Age of the oldest record not yet shipped.", Type::kGauge,
                 stat([](const ShipperStats& s) { return s.spool.oldest_unacked_age_s; }));
    registry.Add("faceloop_ship_records_total" + label, "Records shipped to the backend.", Type::kCounter,
                 stat([](const ShipperStats& s) { return s.shipped_records; }));
    registry.Add("faceloop_ship_rejected_total" + label, "Records the backend refused for good.", Type::kCounter,
                 stat([](const ShipperStats& s) { return s.rejected_records; }));
    registry.Add("faceloop_ship_failures_total" + label, "Failed shipping attempts, retried.", Type::kCounter,
                 stat([](const ShipperStats& s) { return s.failed_attempts; }));
    registry.Add("faceloop_ship_healthy" + label, "1 while the last shipping attempt succeeded.", Type::kGauge,
                 stat([](const ShipperStats& s) { return s.healthy ? 1 : 0; }));
  }
}

}  // namespace faceloop::events
