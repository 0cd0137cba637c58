#pragma once
// Strict validation of a feedback body: its form (known fields only, each of the right type and
// range), then against the request it is about (face indexes in range, boxes inside the image).
// Every refusal is Error(kUnprocessable) whose message starts with the offending field
// ("missed_faces[1].width: ..."), so the client can point at it.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "feedback/feedback.hpp"
#include "requests/record.hpp"

namespace faceloop::feedback {

/// What a client sends: the feedback without the fields the service fills in.
struct FeedbackInput {
  Verdict verdict = Verdict::kCorrect;
  std::vector<std::int64_t> wrong_faces;  ///< as sent; CheckAgainst checks them, MakeFeedback sorts them
  std::vector<Box> missed_faces;
  std::optional<std::int64_t> rating;
  std::optional<std::string> comment;
};

/// The feedback fields of `body` (a JSON object). `also_allowed` names other members the caller
/// reads itself (the token POST's "token"); any other unknown member is refused.
FeedbackInput ParseInput(const nlohmann::json& body, std::initializer_list<std::string_view> also_allowed = {});

/// Refuses indexes outside the request's faces, repeated indexes, boxes outside its image (or any
/// box when it has no image), and a `correct` verdict that names wrong or missed faces.
void CheckAgainst(const FeedbackInput& input, const requests::RequestRecord& record);

/// The feedback of `user_id` on `record` (input already checked), given at `now`.
Feedback MakeFeedback(FeedbackInput input, const requests::RequestRecord& record, const std::string& user_id,
                      Channel channel, Time now);

}  // namespace faceloop::feedback
