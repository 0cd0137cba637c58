// Feedback bodies: the form (known fields, types, ranges) and the checks against the request
// record (face indexes, boxes inside the image). Every refusal is 422 naming the field.
#include "feedback/validation.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <sstream>

#include "common/error.hpp"
#include "common/time.hpp"
#include "feedback/body.hpp"
#include "feedback/feedback_json.hpp"

namespace faceloop::feedback {
namespace {

using nlohmann::json;

/// A request with `faces` faces on a 640x480 image.
requests::RequestRecord Record(std::size_t faces = 3) {
  requests::RequestRecord record;
  record.request_id = "R1";
  record.user_id = "owner";
  record.received_at = ParseTimestamp("2026-11-01T10:00:00.000Z");
  record.image = {{"width", 640}, {"height", 480}, {"format", "jpeg"}};
  for (std::size_t i = 0; i < faces; ++i) record.faces.push_back({{"confidence", 0.9}});
  return record;
}

/// The message of the Error(kUnprocessable) that checking `body` against Record() throws; "" when
/// it is accepted.
std::string Refusal(const json& body) {
  try {
    CheckAgainst(ParseInput(body), Record());
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kUnprocessable) << error.what();
    return error.what();
  }
  return "";
}

TEST(FeedbackValidation, AcceptsAFullBody) {
  const json body = {{"verdict", "partly_correct"},
                     {"wrong_faces", {2, 0}},
                     {"missed_faces", {{{"x", 10}, {"y", 20.5}, {"width", 30}, {"height", 40}}}},
                     {"rating", 4},
                     {"comment", "one false positive\nand a missed face"}};
  FeedbackInput input = ParseInput(body);
  CheckAgainst(input, Record());
  const Feedback feedback =
      MakeFeedback(std::move(input), Record(), "analyst", Channel::kApi, ParseTimestamp("2026-11-02T00:00:00Z"));
  EXPECT_EQ(feedback.wrong_faces, (std::vector<std::int64_t>{0, 2}));  // sorted
  EXPECT_EQ(feedback.missed_faces, (std::vector<Box>{{10, 20.5, 30, 40}}));
  EXPECT_EQ(feedback.request_user_id, "owner");
  EXPECT_EQ(feedback.user_id, "analyst");
  EXPECT_EQ(feedback.rating, 4);
  EXPECT_EQ(Refusal({{"verdict", "correct"}}), "");
  EXPECT_EQ(Refusal({{"verdict", "incorrect"}, {"rating", nullptr}, {"comment", nullptr}}), "");
}

TEST(FeedbackValidation, RefusesBadFormNamingTheField) {
  EXPECT_TRUE(Refusal(json::object()).starts_with("verdict:"));
  EXPECT_TRUE(Refusal({{"verdict", "great"}}).starts_with("verdict:"));
  EXPECT_TRUE(Refusal({{"verdict", 1}}).starts_with("verdict:"));
  EXPECT_TRUE(Refusal({{"verdict", "correct"}, {"score", 1}}).starts_with("score: unknown field"));
  EXPECT_TRUE(Refusal({{"verdict", "correct"}, {"rating", 0}}).starts_with("rating:"));
  EXPECT_TRUE(Refusal({{"verdict", "correct"}, {"rating", 6}}).starts_with("rating:"));
  EXPECT_TRUE(Refusal({{"verdict", "correct"}, {"rating", 4.5}}).starts_with("rating:"));
  EXPECT_TRUE(Refusal({{"verdict", "correct"}, {"comment", 5}}).starts_with("comment:"));
  EXPECT_TRUE(Refusal({{"verdict", "correct"}, {"comment", std::string(2001, 'a')}}).starts_with("comment:"));
  EXPECT_TRUE(Refusal({{"verdict", "correct"}, {"comment", std::string("a\0b", 3)}}).starts_with("comment:"));
  EXPECT_TRUE(Refusal({{"verdict", "incorrect"}, {"wrong_faces", "0"}}).starts_with("wrong_faces:"));
  EXPECT_TRUE(Refusal({{"verdict", "incorrect"}, {"wrong_faces", {0, 1.5}}}).starts_with("wrong_faces[1]:"));
}

// JSON Schema's `integer` (the OpenAPI document's) counts 2.0 as one: what the document accepts, the
// service accepts. Fractions, and numbers past int64, are still refused.
TEST(FeedbackValidation, IntegersWrittenWithAZeroFractionAreIntegers) {
  EXPECT_EQ(Refusal({{"verdict", "incorrect"}, {"wrong_faces", {2.0, 0}}, {"rating", 5.0}}), "");
  EXPECT_TRUE(Refusal({{"verdict", "incorrect"}, {"wrong_faces", {1e19}}}).starts_with("wrong_faces[0]:"));
  EXPECT_TRUE(
      Refusal({{"verdict", "incorrect"}, {"wrong_faces", {18446744073709551615ULL}}}).starts_with("wrong_faces[0]:"));
  EXPECT_TRUE(Refusal({{"verdict", "correct"}, {"rating", 3.25}}).starts_with("rating:"));
  EXPECT_EQ(Refusal({{"verdict", "correct"}, {"wrong_faces", nullptr}, {"missed_faces", nullptr}}), "");
}

TEST(FeedbackValidation, CountsCommentInCharactersNotBytes) {
  std::string two_thousand;
  for (int i = 0; i < 2000; ++i) two_thousand += "\xc3\xa9";  // é: 2 bytes, 1 character
  EXPECT_EQ(Refusal({{"verdict", "correct"}, {"comment", two_thousand}}), "");
  EXPECT_TRUE(Refusal({{"verdict", "correct"}, {"comment", two_thousand + "x"}}).starts_with("comment:"));
}

TEST(FeedbackValidation, RefusesFaceIndexesOutOfRangeOrRepeated) {
  EXPECT_TRUE(Refusal({{"verdict", "incorrect"}, {"wrong_faces", {0, 3}}}).starts_with("wrong_faces[1]:"));
  EXPECT_TRUE(Refusal({{"verdict", "incorrect"}, {"wrong_faces", {-1}}}).starts_with("wrong_faces[0]:"));
  EXPECT_TRUE(Refusal({{"verdict", "incorrect"}, {"wrong_faces", {1, 1}}}).starts_with("wrong_faces[1]:"));
  EXPECT_TRUE(Refusal({{"verdict", "correct"}, {"wrong_faces", {1}}}).starts_with("verdict:"));
}

TEST(FeedbackValidation, RefusesBoxesOutsideTheImageOrMalformed) {
  const auto missed = [](json box) { return json{{"verdict", "incorrect"}, {"missed_faces", json::array({box})}}; };
  const json inside = {{"x", 600}, {"y", 440}, {"width", 40}, {"height", 40}};
  EXPECT_EQ(Refusal(missed(inside)), "");
  json wide = inside;
  wide["width"] = 40.5;
  EXPECT_TRUE(Refusal(missed(wide)).starts_with("missed_faces[0].width:"));
  json tall = inside;
  tall["height"] = 41;
  EXPECT_TRUE(Refusal(missed(tall)).starts_with("missed_faces[0].height:"));
  json left = inside;
  left["x"] = -1;
  EXPECT_TRUE(Refusal(missed(left)).starts_with("missed_faces[0].x:"));
  json empty = inside;
  empty["width"] = 0;
  EXPECT_TRUE(Refusal(missed(empty)).starts_with("missed_faces[0].width:"));
  json huge = inside;
  huge["y"] = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(Refusal(missed(huge)).starts_with("missed_faces[0].y:"));
  json extra = inside;
  extra["z"] = 1;
  EXPECT_TRUE(Refusal(missed(extra)).starts_with("missed_faces[0].z: unknown field"));
  json partial = inside;
  partial.erase("height");
  EXPECT_TRUE(Refusal(missed(partial)).starts_with("missed_faces[0].height:"));
  EXPECT_TRUE(Refusal(missed(json::array({1, 2, 3, 4}))).starts_with("missed_faces[0]:"));
  EXPECT_TRUE(Refusal({{"verdict", "correct"}, {"missed_faces", json::array({inside})}}).starts_with("verdict:"));
}

/// The message of the Error that ParseBody throws for `text`, with its code.
std::pair<ErrorCode, std::string> BodyRefusal(std::string_view text) {
  try {
    ParseBody(text);
  } catch (const Error& error) {
    return {error.code(), error.what()};
  }
  return {ErrorCode::kInternal, "accepted"};
}

TEST(FeedbackBody, NamesTheFieldOfANumberNoDoubleHolds) {
  // 1e999 is valid JSON that overflows a double: the one way JSON spells a non-finite number.
  EXPECT_EQ(BodyRefusal(R"({"verdict":"incorrect","missed_faces":[{"x":1,"y":2,"width":3,"height":4},)"
                        R"({"x":1e999,"y":0,"width":1,"height":1}]})"),
            std::pair(ErrorCode::kUnprocessable, std::string("missed_faces[1].x: must be a finite number")));
  EXPECT_EQ(BodyRefusal(R"({"rating": -1e400})"),
            std::pair(ErrorCode::kUnprocessable, std::string("rating: must be a finite number")));
  EXPECT_EQ(BodyRefusal(R"({"wrong_faces": [[1], 2, 1e999]})"),
            std::pair(ErrorCode::kUnprocessable, std::string("wrong_faces[2]: must be a finite number")));
  EXPECT_EQ(BodyRefusal(R"({"verdict": )").first, ErrorCode::kBadRequest);
  EXPECT_EQ(BodyRefusal("[1]").first, ErrorCode::kBadRequest);
  EXPECT_EQ(BodyRefusal("NaN").first, ErrorCode::kBadRequest);
  EXPECT_EQ(ParseBody(""), json::object());
  EXPECT_EQ(ParseBody(R"({"verdict":"correct"})")["verdict"], "correct");
}

TEST(FeedbackValidation, RefusesBoxesOnARequestWithoutImage) {
  requests::RequestRecord failed = Record(0);
  failed.image = json::object();
  const FeedbackInput input =
      ParseInput({{"verdict", "incorrect"}, {"missed_faces", {{{"x", 0}, {"y", 0}, {"width", 1}, {"height", 1}}}}});
  try {
    CheckAgainst(input, failed);
    ADD_FAILURE() << "accepted";
  } catch (const Error& error) {
    EXPECT_TRUE(std::string(error.what()).starts_with("missed_faces:")) << error.what();
  }
}

TEST(FeedbackJson, RoundTripsEveryField) {
  Feedback in;
  in.request_id = "R1";
  in.user_id = "u";
  in.request_user_id = "o";
  in.request_received_at = ParseTimestamp("2026-11-01T10:00:00.250Z");
  in.verdict = Verdict::kPartlyCorrect;
  in.wrong_faces = {1, 4};
  in.missed_faces = {{1, 2, 3, 4}};
  in.rating = 2;
  in.comment = "c";
  in.channel = Channel::kToken;
  in.created_at = ParseTimestamp("2026-11-02T10:00:00Z");
  in.updated_at = ParseTimestamp("2026-11-03T10:00:00Z");
  const json out = ToJson(in);
  EXPECT_EQ(out["verdict"], "partly_correct");
  EXPECT_EQ(out["channel"], "token");
  const Feedback back = FromJson(out);
  EXPECT_EQ(ToJson(back), out);
  in.rating.reset();
  EXPECT_FALSE(ToJson(in).contains("rating"));
  EXPECT_THROW(FromJson({{"request_id", "R1"}}), Error);
}

TEST(FeedbackJson, DocsTableIsCurrent) {
  std::ifstream in(std::string(FACELOOP_SOURCE_DIR) + "/docs/records.md");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find(FieldsMarkdown()), std::string::npos)
      << "docs/records.md is out of date; its feedback table must read:\n"
      << FieldsMarkdown();
}

}  // namespace
}  // namespace faceloop::feedback
