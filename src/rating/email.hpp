#pragma once
// The rating e-mail: a few recent predictions, each with a small annotated thumbnail (inline JPEG),
// one-click "correct" / "wrong" links and a link to the request in the web application; an opt-out
// link in the body and as List-Unsubscribe with one-click POST (RFC 8058). HTML and plain text.
#include <string>
#include <vector>

#include "mail/mailer.hpp"
#include "rating/selection.hpp"

namespace faceloop::rating {

/// One listed prediction with its links (absolute where the base URL is configured).
struct RatedPrediction {
  std::string request_id;
  Time received_at;
  std::int64_t faces = 0;
  std::string thumbnail_jpeg;  ///< empty: the image could not be drawn; the links stay
  std::string correct_url;
  std::string wrong_url;
  std::string history_url;
};

/// The e-mail to `to`; `opt_out_url` is both the body's link and, when absolute (a base URL is
/// configured), the List-Unsubscribe target.
mail::Message RenderRatingEmail(const std::string& to, const std::vector<RatedPrediction>& predictions,
                                const std::string& opt_out_url);

}  // namespace faceloop::rating
