#pragma once
// HTTP messages as the routes see them, independent of the server engine that parsed them.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faceloop::http {

/// Header fields in arrival order; names compare case-insensitively (RFC 9110 §5.1).
class Headers {
 public:
  void Add(std::string name, std::string value);
  /// Replaces every field called `name` with one.
  void Set(std::string name, std::string value);
  void Remove(std::string_view name);
  bool Has(std::string_view name) const;
  /// The first field called `name`, or "" when there is none.
  std::string_view Get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  std::string method;  ///< upper case, as received ("GET")
  std::string target;  ///< as received: path and query, percent-encoded
  std::string path;    ///< the target's path, percent-decoded
  /// The query's name=value pairs, percent-decoded ('+' as space), in order.
  std::vector<std::pair<std::string, std::string>> query;
  Headers headers;
  std::string body;
  std::string remote_addr;  ///< the peer's IP address, textual
  /// The client's address: remote_addr, or what trusted proxies say (X-Forwarded-For); set by the
  /// service's front-end hook, remote_addr until then.
  std::string client_addr;
  /// The client reached us over https: a trusted proxy said so (X-Forwarded-Proto: https); set by
  /// the service's front-end hook. Cookies get `Secure` then.
  bool secure = false;
  /// What the route pattern's {placeholders} matched, in order (filled by the Router).
  std::vector<std::string> path_params;
  /// Unique per request (time-ordered); sent back as X-Request-Id and written in every log line.
  std::string request_id;

  bool HasParam(std::string_view name) const;
  /// The first query value called `name`, or "" when absent.
  std::string Param(std::string_view name) const;
  std::string_view Header(std::string_view name) const { return headers.Get(name); }
};

/// Fills `out` with the next bytes of a streamed body (at most `capacity`); returns how many, 0 at
/// the end. Called on the connection's I/O thread, one call per chunk sent: keep each call short
/// (a read from a local file). A throw closes the connection: the head is already out.
using BodySource = std::function<std::size_t(char* out, std::size_t capacity)>;

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  /// A body too large to hold (a tar of an export): `body_length` bytes taken from the source
  /// chunk by chunk instead of `body`, which stays empty.
  BodySource body_source;
  std::uint64_t body_length = 0;

  void SetContent(std::string content, std::string_view content_type);
  /// Sends exactly `length` bytes read from `source` (Content-Length: length).
  void SetStream(std::uint64_t length, BodySource source, std::string_view content_type);
  /// The body's size on the wire.
  std::uint64_t BodySize() const { return body_source ? body_length : body.size(); }
};

/// Hands a handler's response to the server. Call it exactly once, from any thread.
using Reply = std::function<void(Response)>;
using RequestPtr = std::shared_ptr<Request>;

}  // namespace faceloop::http
