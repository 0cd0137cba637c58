#pragma once
// Feedback on a prediction: what one user says about one request's faces. One C++ type and ONE
// field list (ForEachField), as for the request record (requests/record.hpp): the JSON form (API,
// spool, search document), the `feedback` table's columns and the search mapping derive from it.
// One feedback per request and user; giving it again replaces it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/field_list.hpp"

namespace faceloop::feedback {

using Time = std::chrono::system_clock::time_point;

enum class Verdict { kCorrect, kPartlyCorrect, kIncorrect };

/// "correct", "partly_correct", "incorrect".
std::string_view ToString(Verdict verdict);
/// The inverse of ToString; nullopt for anything else.
std::optional<Verdict> ParseVerdict(std::string_view name);

/// A face the detector missed, in the pixels of the request's image (after EXIF rotation), as the
/// boxes of the detect answer.
struct Box {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  friend bool operator==(const Box&, const Box&) = default;
};

/// How the feedback was given: with the user's credentials, or through a signed e-mail link.
enum class Channel { kApi, kToken };
std::string_view ToString(Channel channel);
std::optional<Channel> ParseChannel(std::string_view name);

struct Feedback {
  std::string request_id;
  std::string user_id;          ///< who gave it
  std::string request_user_id;  ///< who made the request: the feedback goes with either account
  Time request_received_at;     ///< the request's time: picks the search index, so a replacement lands on the same _id
  Verdict verdict = Verdict::kCorrect;
  std::vector<std::int64_t> wrong_faces;  ///< indexes into the request's faces, ascending, no repeats
  std::vector<Box> missed_faces;
  std::optional<std::int64_t> rating;  ///< 1..5
  std::optional<std::string> comment;  ///< at most kMaxCommentChars characters
  Channel channel = Channel::kApi;
  Time created_at;  ///< first given (kept on replacement)
  Time updated_at;  ///< last given
};

inline constexpr std::size_t kMaxCommentChars = 2000;
inline constexpr std::size_t kMaxMissedFaces = 1000;

/// How the search index maps a field.
enum class SearchType { kKeyword, kDate, kInteger, kText, kBoxes };

/// A field: its JSON, spool and search-index name, its column of table `feedback`, its search type
/// and its line of docs/records.md.
using FieldSpec = fields::FieldSpec<SearchType>;

/// The field list: `visit(const FieldSpec&, member&)` once per field, in order.
template <typename Record, typename Visit>
void ForEachField(Record& f, Visit&& visit) {
  using S = SearchType;
  visit(FieldSpec{"request_id", "request_id", S::kKeyword, "the request the feedback is about"}, f.request_id);
  visit(FieldSpec{"user_id", "user_id", S::kKeyword, "who gave it"}, f.user_id);
  visit(FieldSpec{"request_user_id", "request_user_id", S::kKeyword, "who made the request"}, f.request_user_id);
  visit(FieldSpec{"request_received_at", "request_received_at", S::kDate, "when the request arrived"},
        f.request_received_at);
  visit(FieldSpec{"verdict", "verdict", S::kKeyword, "`correct`, `partly_correct` or `incorrect`"}, f.verdict);
  visit(FieldSpec{"wrong_faces", "wrong_faces_json", S::kInteger, "indexes of the returned faces that are not faces"},
        f.wrong_faces);
  visit(FieldSpec{"missed_faces", "missed_faces_json", S::kBoxes,
                  "boxes of faces the detector missed (x, y, width, "
                  "height in image pixels)"},
        f.missed_faces);
  visit(FieldSpec{"rating", "rating", S::kInteger, "1..5, absent when not given"}, f.rating);
  visit(FieldSpec{"comment", "comment", S::kText, "free text, at most 2,000 characters"}, f.comment);
  visit(FieldSpec{"channel", "channel", S::kKeyword, "`api` (a key or session) or `token` (an e-mail link)"},
        f.channel);
  visit(FieldSpec{"created_at", "created_at", S::kDate, "when it was first given"}, f.created_at);
  visit(FieldSpec{"updated_at", "updated_at", S::kDate, "when it was last replaced"}, f.updated_at);
}

}  // namespace faceloop::feedback
