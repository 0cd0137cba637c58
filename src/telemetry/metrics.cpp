#include "telemetry/metrics.hpp"

#include <sstream>

namespace faceloop::telemetry {

Counter& MetricsRegistry::AddCounter(const std::string& name, const std::string& help) {
  const std::lock_guard lock(mutex_);
  Counter& counter = counters_.emplace_back();
  series_[name] = Series{help, Type::kCounter, [&counter] { return static_cast<double>(counter.Value()); }};
  return counter;
}

void MetricsRegistry::Add(const std::string& name, const std::string& help, Type type, Read read) {
  const std::lock_guard lock(mutex_);
  series_[name] = Series{help, type, std::move(read)};
}

void MetricsRegistry::AddCollector(Collector collector) {
  const std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::Render() const {
  std::ostringstream out;
  const std::lock_guard lock(mutex_);
  std::string last_family;
  for (const auto& [name, series] : series_) {
    const std::string family = name.substr(0, name.find('{'));
    if (family != last_family) {
      out << "# HELP " << family << " " << series.help << "\n# TYPE " << family << " "
          << (series.type == Type::kCounter ? "counter" : "gauge") << "\n";
    }
    last_family = family;
    out << name << " " << series.read() << "\n";
  }
  std::string text = out.str();
  for (const Collector& collector : collectors_) collector(text);
  return text;
}

}  // namespace faceloop::telemetry
