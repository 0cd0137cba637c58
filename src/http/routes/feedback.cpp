#include "http/routes/feedback.hpp"

#include <chrono>

#include "common/error.hpp"
#include "events/records.hpp"
#include "feedback/body.hpp"
#include "feedback/feedback_json.hpp"
#include "feedback/validation.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "telemetry/log.hpp"

namespace faceloop::http {
namespace {

using feedback::Feedback;
using requests::RequestRecord;

const telemetry::Logger kLog("feedback");
constexpr const char* kPattern = "/v1/requests/{id}/feedback";

/// The API's view: the stored feedback less the request's own fields, which the caller has.
nlohmann::json FeedbackJson(const Feedback& feedback) {
  nlohmann::json json = feedback::ToJson(feedback);
  json.erase("request_user_id");
  json.erase("request_received_at");
  return json;
}

/// The record `id` if `who` may give feedback on it; kNotFound otherwise (never 403: ids of
/// others' requests cannot be probed).
RequestRecord FindVisible(const FeedbackRoutes& s, const accounts::Principal& who, const std::string& id) {
  s.read_your_writes();
  auto record = s.requests.Find(id);
  if (!record || (!accounts::CanReadAll(who) && record->user_id != who.user_id)) {
    throw Error(ErrorCode::kNotFound, "no such request");
  }
  return std::move(*record);
}

/// Spools the change for the search index. Never throws: the database has the feedback already,
/// and failing the answer now would hide a done change (the search copy is what is lost; logged).
void Ship(const FeedbackRoutes& s, events::FeedbackChange::Op op, const Feedback& feedback) {
  try {
    s.pipeline.Append(events::ToSpoolRecord(events::FeedbackChange{op, feedback}));
  } catch (const Error& error) {
    kLog.Error("feedback change not spooled for search",
               {{"request_id", feedback.request_id}, {"error", std::string(error.what())}});
  }
}

void Given(const FeedbackRoutes& s, const Feedback& feedback) {
  Ship(s, events::FeedbackChange::Op::kPut, feedback);
  nlohmann::json data = {{"request_id", feedback.request_id},
                         {"verdict", feedback::ToString(feedback.verdict)},
                         {"wrong_faces", feedback.wrong_faces.size()},
                         {"missed_faces", feedback.missed_faces.size()},
                         {"channel", feedback::ToString(feedback.channel)}};
  if (feedback.rating) data["rating"] = *feedback.rating;
  s.events.Log(events::EventType::kFeedbackGiven, feedback.user_id, data);  // no comment: it may hold personal data
}

void Put(const FeedbackRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  const RequestRecord record = FindVisible(s, who, req.path_params.at(0));
  feedback::FeedbackInput input = feedback::ParseInput(feedback::ParseBody(req.body));
  feedback::CheckAgainst(input, record);
  const bool replacing = s.store.Find(record.request_id, who.user_id).has_value();
  const Feedback stored = s.store.Save(feedback::MakeFeedback(
      std::move(input), record, who.user_id, feedback::Channel::kApi, std::chrono::system_clock::now()));
  Given(s, stored);
  WriteJson(res, replacing ? 200 : 201, FeedbackJson(stored));
}

void Get(const FeedbackRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  const RequestRecord record = FindVisible(s, who, req.path_params.at(0));
  const auto found = s.store.Find(record.request_id, who.user_id);
  if (!found) throw Error(ErrorCode::kNotFound, "no feedback of yours on this request");
  WriteJson(res, 200, FeedbackJson(*found));
}

void Delete(const FeedbackRoutes& s, const Request& req, Response& res) {
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(req));
  const RequestRecord record = FindVisible(s, who, req.path_params.at(0));
  const auto found = s.store.Find(record.request_id, who.user_id);
  if (!found || !s.store.Delete(record.request_id, who.user_id)) {
    throw Error(ErrorCode::kNotFound, "no feedback of yours on this request");
  }
  Ship(s, events::FeedbackChange::Op::kDelete, *found);
  res.status = 204;
}

/// The e-mail link's POST: the token stands for the request's owner, once, until it expires.
void PostWithToken(const FeedbackRoutes& s, const Request& req, Response& res) {
  WriteJson(res, 200, FeedbackJson(SaveWithToken(s, feedback::ParseBody(req.body), req.path_params.at(0))));
}

}  // namespace

Feedback SaveWithToken(const FeedbackRoutes& s, const nlohmann::json& body, const std::string& request_id) {
  const auto token = body.find("token");
  if (token == body.end() || !token->is_string()) {
    throw Error(ErrorCode::kUnauthenticated, "token: a feedback token is required");
  }
  const auto now = std::chrono::system_clock::now();
  const feedback::TokenClaims claims = s.tokens.Verify(token->get_ref<const std::string&>(), now);
  if (!request_id.empty() && claims.request_id != request_id) {
    throw Error(ErrorCode::kUnauthenticated, "token: this feedback token is for another request");
  }
  feedback::FeedbackInput input = feedback::ParseInput(body, {"token"});
  s.read_your_writes();
  const auto record = s.requests.Find(claims.request_id);
  if (!record || record->user_id != claims.user_id) throw Error(ErrorCode::kNotFound, "no such request");
  feedback::CheckAgainst(input, *record);
  Feedback stored = s.store.SaveWithToken(
      feedback::MakeFeedback(std::move(input), *record, claims.user_id, feedback::Channel::kToken, now),
      claims.token_id, claims.expires_at);
  s.store.ForgetExpiredTokens(now);  // keeps the table to the tokens that could still be replayed
  Given(s, stored);
  return stored;
}

nlohmann::json VisibleFeedback(feedback::FeedbackStore& store, const std::string& request_id,
                               const accounts::Principal& who) {
  nlohmann::json list = nlohmann::json::array();
  for (const Feedback& feedback : store.ListForRequest(request_id)) {
    if (accounts::CanReadAll(who) || feedback.user_id == who.user_id) list.push_back(FeedbackJson(feedback));
  }
  return list;
}

void RegisterFeedbackRoutes(Router& router, HttpMetrics& metrics, const FeedbackRoutes& routes) {
  auto add = [&router, &metrics, routes](const char* method,
                                         void (*fn)(const FeedbackRoutes&, const Request&, Response&)) {
    router.Add(method, kPattern,
               Guard(metrics, std::string(method) + " " + kPattern,
                     [routes, fn](const Request& req, Response& res) { fn(routes, req, res); }));
  };
  add("PUT", Put);
  add("GET", Get);
  add("DELETE", Delete);
  add("POST", PostWithToken);
}

}  // namespace faceloop::http
