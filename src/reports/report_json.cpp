#include "reports/report_json.hpp"

#include <type_traits>

#include "common/error.hpp"
#include "common/is_optional.hpp"
#include "common/time.hpp"

namespace faceloop::reports {
namespace {

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};

template <typename T>
nlohmann::json Encode(const T& value);

template <typename T>
nlohmann::json EncodeStruct(const T& value) {
  nlohmann::json out = nlohmann::json::object();
  Fields(value, [&out](const char* name, const auto& member) { out[name] = Encode(member); });
  return out;
}

template <typename T>
nlohmann::json Encode(const T& value) {
  if constexpr (std::is_same_v<T, Time>) {
    return FormatTimestamp(value);
  } else if constexpr (IsOptional<T>::value) {
    return value ? Encode(*value) : nlohmann::json();
  } else if constexpr (IsVector<T>::value) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(Encode(item));
    return out;
  } else if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string> ||
                       std::is_same_v<T, std::map<std::string, std::int64_t>>) {
    return value;
  } else {
    return EncodeStruct(value);
  }
}

template <typename T>
void Decode(const nlohmann::json& json, T& out);

template <typename T>
void DecodeStruct(const nlohmann::json& json, T& out) {
  if (!json.is_object()) throw Error(ErrorCode::kInternal, "reports: a stored report is not a JSON object");
  Fields(out, [&json](const char* name, auto& member) {
    const auto it = json.find(name);
    if (it == json.end()) throw Error(ErrorCode::kInternal, std::string("reports: a stored report lacks ") + name);
    Decode(*it, member);
  });
}

template <typename T>
void Decode(const nlohmann::json& json, T& out) {
  if constexpr (std::is_same_v<T, Time>) {
    out = ParseTimestamp(json.get<std::string>());
  } else if constexpr (IsOptional<T>::value) {
    if (json.is_null()) {
      out.reset();
    } else {
      typename T::value_type value{};
      Decode(json, value);
      out = std::move(value);
    }
  } else if constexpr (IsVector<T>::value) {
    out.clear();
    for (const auto& item : json) Decode(item, out.emplace_back());
  } else if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string> ||
                       std::is_same_v<T, std::map<std::string, std::int64_t>>) {
    out = json.get<T>();
  } else {
    DecodeStruct(json, out);
  }
}

}  // namespace

nlohmann::json ToJson(const Report& report) { return EncodeStruct(report); }

Report ReportFromJson(const nlohmann::json& json) {
  Report report;
  try {
    DecodeStruct(json, report);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInternal, std::string("reports: a stored report does not decode: ") + e.what());
  }
  return report;
}

}  // namespace faceloop::reports
