#pragma once
// A rule as a client sends it (POST creates, PUT replaces), checked strictly: known members only,
// each of the right type and range. Every refusal is Error(kUnprocessable) whose message starts
// with the offending field ("window_minutes: ..."), as for feedback.
#include <nlohmann/json.hpp>

#include "alerts/rule.hpp"
#include "alerts/url_policy.hpp"

namespace faceloop::alerts {

inline constexpr std::int64_t kMaxWindowMinutes = 7 * 24 * 60;
inline constexpr std::size_t kMaxEmails = 20;

/// The rule the body describes (id and times left for the caller). `policy` checks webhook URLs.
/// Members the client may leave out take Rule's defaults.
Rule ParseRule(const nlohmann::json& body, const UrlPolicy& policy);

}  // namespace faceloop::alerts
