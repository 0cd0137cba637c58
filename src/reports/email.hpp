#pragma once
// The report as an e-mail: an HTML body with three inline PNG charts (confidence over time, volume,
// the strongest correlation's curve) and a plain-text alternative. Every text taken from data
// (model names, error types, reasons, sentences) is HTML-escaped.
#include <string>
#include <string_view>

#include "mail/mailer.hpp"
#include "reports/report.hpp"

namespace faceloop::reports {

/// `text` with & < > " ' as character references.
std::string EscapeHtml(std::string_view text);

/// The e-mail of `report` to `to`; `base_url` prefixes the API links ("" = relative paths).
mail::Message RenderReportEmail(const Report& report, const std::string& to, const std::string& base_url);

}  // namespace faceloop::reports
