#pragma once
// Bytes to Request: Beast's HTTP/1.1 parser, the engine's strictness checks (head_checks.hpp) and
// the decoded target, without any I/O, so the connection and the fuzzer run the same code.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "http/server/head_checks.hpp"
#include "http/server/message.hpp"

namespace faceloop::http {

struct ParserLimits {
  std::size_t max_header_bytes = 16 * 1024;
  std::uint64_t max_body_bytes = 1024 * 1024;
};

/// Parses one request. Feed it the bytes received so far; it consumes what it can. A failure is
/// final: answer failure()->status and close the connection, since where the message ends is then
/// unknown.
class RequestParser {
 public:
  explicit RequestParser(const ParserLimits& limits);
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  /// Parses a prefix of `bytes` and returns its length; the caller drops those bytes and calls again
  /// with the rest plus what arrives next. Returns right after the head completes (head_done() turns
  /// true) so the caller can vet the request before reading its body.
  std::size_t Feed(std::string_view bytes);

  bool head_done() const { return head_done_; }
  /// The whole request is parsed; request().body holds the body.
  bool done() const { return done_; }
  const std::optional<ParseFailure>& failure() const { return failure_; }

  /// After head_done(): method, target, path, query and headers are filled (body once done()).
  Request& request() { return request_; }
  /// 10 or 11.
  int version() const { return version_; }
  /// Whether the client allows the connection to stay open after this request.
  bool keep_alive() const { return keep_alive_; }
  /// HTTP/1.1 with Expect: 100-continue and a body still to come.
  bool wants_continue() const;

 private:
  struct Beast;
  void FeedHead(std::string_view bytes, std::size_t& consumed);
  void FeedBody(std::string_view bytes, std::size_t& consumed);
  void FinishHead();
  void Fail(ParseFailure failure);

  ParserLimits limits_;
  std::unique_ptr<Beast> beast_;
  std::string raw_head_;  ///< the head's bytes as consumed, for checks Beast's parse hides (folding)
  /// Where the next Feed's bytes have not been checked for bare line ends yet.
  std::size_t unchecked_from_ = 0;
  Request request_;
  int version_ = 11;
  bool keep_alive_ = false;
  bool head_done_ = false;
  bool done_ = false;
  std::optional<ParseFailure> failure_;
};

}  // namespace faceloop::http
