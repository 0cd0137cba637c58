#pragma once
// The generic half of a configuration table whose struct lists its keys once in a static
// `ForEachKey(self, visit)` (config_schedules.hpp, config_rating.hpp): the TOML table and the
// FACELOOP_<TABLE>_<KEY> variables are read from that list. For the config .cpp files only
// (keeps toml++ out of the headers others include).
#include <cctype>
#include <charconv>
#include <cstdint>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <toml++/toml.h>

#include "common/error.hpp"

namespace faceloop::service::config_table {

[[noreturn]] inline void Fail(const std::string& message) { throw Error(ErrorCode::kBadRequest, message); }

/// One TOML value into a bool, an integer or a list of strings; Error(kBadRequest) naming `path`.
template <typename T>
void ReadNode(const toml::node& node, const std::string& path, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!node.is_boolean()) Fail("config: " + path + " must be true or false");
    out = *node.value<bool>();
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    const toml::array* array = node.as_array();
    if (array == nullptr) Fail("config: " + path + " must be an array of strings");
    out.clear();
    for (const toml::node& item : *array) {
      if (!item.is_string()) Fail("config: " + path + " must be an array of strings");
      out.push_back(*item.value<std::string>());
    }
  } else {
    if (!node.is_integer()) Fail("config: " + path + " must be an integer");
    out = static_cast<T>(*node.value<std::int64_t>());
  }
}

/// Every key of `table` into `config`; names not in its ForEachKey go to `unknown` (with `prefix`).
template <typename Config>
void ApplyTable(Config& config, const toml::table& table, const std::string& prefix,
                std::vector<std::string>& unknown) {
  for (const auto& entry : table) {
    const std::string_view key = entry.first.str();  // not a structured binding: lambdas capture it
    const toml::node& node = entry.second;
    bool known = false;
    Config::ForEachKey(config, [&](std::string_view name, auto& value) {
      if (name != key) return;
      known = true;
      ReadNode(node, prefix + std::string(name), value);
    });
    if (!known) unknown.push_back(prefix + std::string(key));
  }
}

/// One environment value: true/false/1/0, a number (whole for integer fields), or a comma-separated list.
template <typename T>
void ParseText(const std::string& variable, const std::string& text, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (text != "true" && text != "false" && text != "1" && text != "0") Fail(variable + " must be true or false");
    out = text == "true" || text == "1";
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    out.clear();
    std::stringstream stream(text);
    for (std::string item; std::getline(stream, item, ',');) {
      if (!item.empty()) out.push_back(item);
    }
  } else {
    T parsed{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec != std::errc() || end != text.data() + text.size()) {
      Fail(variable + (std::is_integral_v<T> ? " must be a whole number" : " must be a number"));
    }
    out = parsed;
  }
}

/// `prefix` + each key in upper case (FACELOOP_RETENTION_EVENTS_DAYS), where set, into the fields
/// `for_each(visit)` lists as visit(name, field).
template <typename ForEach>
void ApplyEnvKeys(const std::string& prefix, const std::function<std::optional<std::string>(const char*)>& env,
                  ForEach for_each) {
  for_each([&](std::string_view name, auto& value) {
    std::string variable = prefix;
    for (const char c : name) variable += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (const auto text = env(variable.c_str())) ParseText(variable, *text, value);
  });
}

/// The same for a struct with a static ForEachKey (FACELOOP_ALERTS_INTERVAL_S).
template <typename Config>
void ApplyEnv(Config& config, const std::string& prefix,
              const std::function<std::optional<std::string>(const char*)>& env) {
  ApplyEnvKeys(prefix, env, [&config](auto visit) { Config::ForEachKey(config, visit); });
}

}  // namespace faceloop::service::config_table
