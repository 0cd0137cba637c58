#include "http/config.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include <toml++/toml.h>

#include "common/error.hpp"

namespace faceloop::http {
namespace {

[[noreturn]] void Fail(std::string message) { throw Error(ErrorCode::kBadRequest, std::move(message)); }

template <typename T>
void Read(const toml::table& table, std::string_view key, std::string_view path, T& out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!node->is_string()) Fail("config: " + std::string(path) + " must be a string");
    out = *node->value<std::string>();
  } else if constexpr (std::is_floating_point_v<T>) {
    const auto value = node->value<double>();  // accepts integers too
    if (!value) Fail("config: " + std::string(path) + " must be a number");
    out = static_cast<T>(*value);
  } else {
    if (!node->is_integer()) Fail("config: " + std::string(path) + " must be an integer");
    out = static_cast<T>(*node->value<std::int64_t>());
  }
}

void CheckKnown(const toml::table& table, const std::vector<std::string_view>& known, const std::string& prefix,
                std::vector<std::string>& unknown) {
  for (const auto& [key, node] : table) {
    bool found = false;
    for (const std::string_view name : known) found = found || key.str() == name;
    if (!found) unknown.push_back(prefix + std::string(key.str()));
  }
}

void ApplyLimits(Limits& limits, const toml::table& table, std::vector<std::string>& unknown) {
  CheckKnown(table,
             {"max_image_bytes", "read_timeout_s", "write_timeout_s", "keep_alive_timeout_s", "keep_alive_max_count",
              "http_threads", "detect_workers", "detect_queue", "signups_per_minute"},
             "limits.", unknown);
  Read(table, "max_image_bytes", "limits.max_image_bytes", limits.max_image_bytes);
  Read(table, "read_timeout_s", "limits.read_timeout_s", limits.read_timeout_s);
  Read(table, "write_timeout_s", "limits.write_timeout_s", limits.write_timeout_s);
  Read(table, "keep_alive_timeout_s", "limits.keep_alive_timeout_s", limits.keep_alive_timeout_s);
  Read(table, "keep_alive_max_count", "limits.keep_alive_max_count", limits.keep_alive_max_count);
  Read(table, "http_threads", "limits.http_threads", limits.http_threads);
  Read(table, "detect_workers", "limits.detect_workers", limits.detect_workers);
  Read(table, "detect_queue", "limits.detect_queue", limits.detect_queue);
  Read(table, "signups_per_minute", "limits.signups_per_minute", limits.signups_per_minute);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("config: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<std::string> ProcessEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

void ParseListen(std::string_view listen, std::string& host, int& port) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) Fail("listen address must be HOST:PORT");
  const std::string_view port_text = listen.substr(colon + 1);
  int value = -1;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || value < 0 || value > 65535) {
    Fail("listen port must be 0..65535");
  }
  host = std::string(listen.substr(0, colon));
  port = value;
}

void ApplyToml(Config& config, std::string_view toml_text, std::string_view source) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    Fail("config: " + std::string(source) + ": " + std::string(e.description()));
  }
  std::vector<std::string> unknown;
  CheckKnown(table, {"listen", "data_dir", "models_dir", "pepper_file", "model", "limits"}, "", unknown);
  if (const toml::node* limits = table.get("limits")) {
    if (!limits->is_table()) Fail("config: limits must be a table");
    ApplyLimits(config.limits, *limits->as_table(), unknown);
  }
  if (!unknown.empty()) {
    std::string names;
    for (const std::string& name : unknown) names += (names.empty() ? "" : ", ") + name;
    Fail("config: " + std::string(source) + ": unknown keys: " + names);
  }
  std::string listen;
  Read(table, "listen", "listen", listen);
  if (!listen.empty()) ParseListen(listen, config.host, config.port);
  Read(table, "data_dir", "data_dir", config.data_dir);
  Read(table, "models_dir", "models_dir", config.models_dir);
  Read(table, "pepper_file", "pepper_file", config.pepper_file);
  Read(table, "model", "model", config.default_model);
}

Config ResolveConfig(const ConfigFlags& flags, const EnvLookup& env) {
  Config config;
  if (flags.config_file) ApplyToml(config, ReadFile(*flags.config_file), *flags.config_file);
  if (const auto listen = env("FACELOOP_LISTEN")) ParseListen(*listen, config.host, config.port);
  if (const auto dir = env("FACELOOP_DATA_DIR")) config.data_dir = *dir;
  if (const auto dir = env("FACELOOP_MODELS_DIR")) config.models_dir = *dir;
  if (flags.listen) ParseListen(*flags.listen, config.host, config.port);
  if (flags.data_dir) config.data_dir = *flags.data_dir;
  if (flags.models_dir) config.models_dir = *flags.models_dir;
  return config;
}

}  // namespace faceloop::http
