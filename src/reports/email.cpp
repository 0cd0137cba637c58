#include "reports/email.hpp"

#include <cstdio>

#include "common/time.hpp"
#include "reports/charts.hpp"
#include "reports/sentences.hpp"

namespace faceloop::reports {
namespace {

std::string Fixed(const std::optional<double>& value, const char* format = "%.3f") {
  if (!value) return "n/a";
  char text[32];
  (void)std::snprintf(text, sizeof text, format, *value);
  return text;
}

std::string Signed(const std::optional<double>& value) { return Fixed(value, "%+.3f"); }

std::string Day(Time t) { return FormatTimestamp(t).substr(0, 10); }

std::vector<mail::InlinePart> Charts(const Report& r) {
  ChartSpec confidence{"Mean face confidence", ChartKind::kLine, {}, "", "", 560, 220};
  ChartSpec volume{"Requests", ChartKind::kBars, {}, "", "", 560, 220};
  for (const SeriesPoint& p : r.series) {
    confidence.values.push_back(p.confidence_mean);
    volume.values.emplace_back(static_cast<double>(p.requests));
  }
  if (!r.series.empty()) {
    confidence.first_label = volume.first_label = FormatTimestamp(r.series.front().start).substr(0, 16);
    confidence.last_label = volume.last_label = FormatTimestamp(r.series.back().start).substr(0, 16);
  }
  ChartSpec curve{"No notable correlation", ChartKind::kLine, {}, "", "", 560, 220};
  if (!r.correlations.empty()) {
    const CorrelationFinding& f = r.correlations.front();
    curve.title = f.target + " by decile of " + f.field;
    for (const CurvePoint& p : f.curve) curve.values.emplace_back(p.mean);
    if (!f.curve.empty()) {
      curve.first_label = Fixed(f.curve.front().x_min, "%.3g");
      curve.last_label = Fixed(f.curve.back().x_max, "%.3g");
    }
  }
  return {{"confidence.png", "image/png", DrawChart(confidence)},
          {"volume.png", "image/png", DrawChart(volume)},
          {"correlation.png", "image/png", DrawChart(curve)}};
}

std::string Row(const std::string& name, const std::string& value) {
  return "<tr><th align=\"left\">" + EscapeHtml(name) + "</th><td>" + EscapeHtml(value) + "</td></tr>\n";
}

std::string Overview(const Report& r) {
  const Distribution& c = r.all.confidence;
  return "<table>\n" + Row("Requests", std::to_string(r.all.requests)) + Row("Errors", std::to_string(r.all.errors)) +
         Row("Unique users", std::to_string(r.users.unique)) +
         Row("Returning users", std::to_string(r.users.returning)) + Row("Mean confidence", Fixed(c.mean)) +
         Row("Change from previous period", Signed(r.confidence_change.mean_delta)) +
         Row("p10 confidence", Fixed(c.p10)) + Row("p95 latency (ms)", Fixed(r.all.latency_ms.p95, "%.1f")) +
         Row("Feedback", std::to_string(r.feedback.total)) + "</table>\n";
}

std::string Models(const Report& r) {
  std::string html =
      "<h2>Per model version</h2>\n<table>\n<tr><th>model</th><th>requests</th><th>errors</th>"
      "<th>mean confidence</th><th>p95 latency (ms)</th></tr>\n";
  for (const SliceReport& m : r.models) {
    html += "<tr><td>" + EscapeHtml(m.model_name + " " + m.model_version) + "</td><td>" + std::to_string(m.requests) +
            "</td><td>" + std::to_string(m.errors) + "</td><td>" + Fixed(m.confidence.mean) + "</td><td>" +
            Fixed(m.latency_ms.p95, "%.1f") + "</td></tr>\n";
  }
  return html + "</table>\n";
}

std::string Findings(const Report& r, const std::string& base_url) {
  std::string html = "<h2>Correlations</h2>\n<ul>\n";
  for (const CorrelationFinding& f : r.correlations) html += "<li>" + EscapeHtml(f.sentence) + "</li>\n";
  if (r.correlations.empty()) html += "<li>No notable correlation.</li>\n";
  html += "</ul>\n<h2>Drift against the previous period</h2>\n<ul>\n";
  for (const DriftFinding& d : r.drift) {
    if (d.verdict == "warn" || d.verdict == "drift") {
      html += "<li>" + EscapeHtml(d.feature + ": " + d.verdict) + "</li>\n";
    }
  }
  html += "</ul>\n<h2>Outliers</h2>\n<ul>\n";
  for (const OutlierFinding& o : r.outliers) {
    std::string reasons;
    for (const std::string& reason : o.reasons) reasons += (reasons.empty() ? "" : "; ") + reason;
    html += "<li><a href=\"" + EscapeHtml(base_url + o.thumbnail_url) + "\">" + EscapeHtml(o.request_id) +
            "</a>: " + EscapeHtml(reasons) + "</li>\n";
  }
  return html + "</ul>\n";
}

std::string Title(const Report& r) {
  return "faceloop " + r.period + " report from " + r.first_day + " (" + r.time_zone + ")";
}

std::string TextBody(const Report& r, const std::string& base_url) {
  std::string text =
      Title(r) + "\n\nRequests: " + std::to_string(r.all.requests) + "\nErrors: " + std::to_string(r.all.errors) +
      "\nUnique users: " + std::to_string(r.users.unique) + "\nReturning users: " + std::to_string(r.users.returning) +
      "\nMean confidence: " + Fixed(r.all.confidence.mean) + " (" + Signed(r.confidence_change.mean_delta) + ")\n";
  for (const CorrelationFinding& f : r.correlations) text += "- " + f.sentence + "\n";
  return text + "\nThe whole report: " + base_url + "/v1/reports/" + r.id + "\n";
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

mail::Message RenderReportEmail(const Report& r, const std::string& to, const std::string& base_url) {
  mail::Message message;
  message.to = to;
  message.subject = Title(r);
  message.inline_parts = Charts(r);
  message.text_body = TextBody(r, base_url);
  message.html_body = "<!DOCTYPE html>\n<html><body>\n<h1>" + EscapeHtml(Title(r)) + "</h1>\n<p data-report-id=\"" +
                      EscapeHtml(r.id) + "\">" + EscapeHtml(Day(r.start) + " to " + Day(r.end) + " UTC") + "</p>\n" +
                      Overview(r) + "<img src=\"cid:confidence.png\" alt=\"confidence over time\">\n" +
                      "<img src=\"cid:volume.png\" alt=\"requests\">\n" +
                      "<img src=\"cid:correlation.png\" alt=\"correlation curve\">\n" + Models(r) +
                      Findings(r, base_url) + "</body></html>\n";
  return message;
}

}  // namespace faceloop::reports
