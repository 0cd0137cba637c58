#pragma once
// One image's way through a detect request: a worker decodes and detects, the committer makes the
// image and its record durable, and only then is the answer handed to `reply`, from whichever
// thread finished last. No thread waits for another on the way.
#include <chrono>
#include <memory>
#include <span>
#include <string>

#include "accounts/types.hpp"
#include "http/routes/detect.hpp"
#include "http/routes/detect_params.hpp"
#include "http/server/message.hpp"
#include "requests/record.hpp"

namespace faceloop::http {

struct DetectExchange {
  std::shared_ptr<const DetectRoutes> routes;
  RequestPtr request;  ///< keeps the image bytes alive
  std::string id;      ///< the record's id (the request's own, or a batch item's)
  Reply reply;         ///< gets the answer: 200 with faces, or a problem
  accounts::Principal who;
  std::chrono::system_clock::time_point received;
  DetectParams params;
  std::span<const std::uint8_t> image;  ///< into request->body
  requests::RequestRecord record;
  Response answer;  ///< headers set before the start (RateLimit) are kept

  /// Queues the detection; the reply comes later. Never throws: refusals are replied too.
  static void Start(const std::shared_ptr<DetectExchange>& x);
  /// Replies with the problem for `error` (and records a 4xx, which is analytics too).
  void Fail(const std::exception_ptr& error);
};

}  // namespace faceloop::http
