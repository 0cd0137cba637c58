#include "rating/email.hpp"

#include "common/time.hpp"
#include "reports/email.hpp"

namespace faceloop::rating {
namespace {

using reports::EscapeHtml;

/// "2026-11-29 10:15 UTC".
std::string Minute(Time t) {
  std::string text = FormatTimestamp(t).substr(0, 16);
  text[10] = ' ';
  return text + " UTC";
}

std::string FacesText(std::int64_t faces) {
  return faces == 1 ? "1 face found" : std::to_string(faces) + " faces found";
}

std::string Link(const std::string& url, const std::string& text) {
  return "<a href=\"" + EscapeHtml(url) + "\">" + EscapeHtml(text) + "</a>";
}

std::string HtmlItem(const RatedPrediction& p, std::size_t index) {
  std::string html = "<tr><td>";
  if (!p.thumbnail_jpeg.empty()) {
    html += "<img src=\"cid:prediction-" + std::to_string(index) + ".jpg\" alt=\"request " + EscapeHtml(p.request_id) +
            " with its faces drawn\">";
  }
  html += "</td><td><p>" + EscapeHtml(Minute(p.received_at)) + ": " + EscapeHtml(FacesText(p.faces)) + "</p><p>" +
          Link(p.correct_url, "Correct") + " &middot; " + Link(p.wrong_url, "Wrong") + " &middot; " +
          Link(p.history_url, "Details") + "</p></td></tr>\n";
  return html;
}

std::string TextItem(const RatedPrediction& p) {
  return "- " + Minute(p.received_at) + ": " + FacesText(p.faces) + "\n  correct: " + p.correct_url +
         "\n  wrong:   " + p.wrong_url + "\n  details: " + p.history_url + "\n";
}

}  // namespace

mail::Message RenderRatingEmail(const std::string& to, const std::vector<RatedPrediction>& predictions,
                                const std::string& opt_out_url) {
  const std::string intro = "Were these detections right? One click tells us, and helps the model improve.";
  const std::string footer = "You get this e-mail at most once a period, after you used faceloop.";
  mail::Message message{to, "How did faceloop do? Rate your recent detections", "", "", {}, {}};
  message.text_body = intro + "\n\n";
  message.html_body = "<!DOCTYPE html><html><body><p>" + EscapeHtml(intro) + "</p>\n<table>\n";
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    const RatedPrediction& p = predictions[i];
    message.text_body += TextItem(p);
    message.html_body += HtmlItem(p, i);
    if (!p.thumbnail_jpeg.empty()) {
      message.inline_parts.push_back({"prediction-" + std::to_string(i) + ".jpg", "image/jpeg", p.thumbnail_jpeg});
    }
  }
  message.text_body += "\n" + footer + "\nNo more of these e-mails: " + opt_out_url + "\n";
  message.html_body += "</table>\n<p>" + EscapeHtml(footer) + " " + Link(opt_out_url, "No more of these e-mails") +
                       ".</p></body></html>\n";
  // RFC 8058 wants an absolute https URI; without a configured base URL only the body has the link.
  if (opt_out_url.starts_with("https://") || opt_out_url.starts_with("http://")) {
    message.headers = {{"List-Unsubscribe", "<" + opt_out_url + ">"},
                       {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}};
  }
  return message;
}

}  // namespace faceloop::rating
