#pragma once
// Which handler serves a method and path. Engine-neutral: the server engine asks Find() for every
// parsed request and runs the handler it gets; a miss says 404 or 405 (with the Allow list).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/server/message.hpp"

namespace faceloop::http {

/// Runs on a handler thread (it may block on the database); may keep `reply` and call it later,
/// from any thread, to finish the request without holding that thread (the detect path does).
using AsyncHandler = std::function<void(RequestPtr request, Reply reply)>;
/// A handler that answers before it returns.
using SyncHandler = std::function<void(const Request& request, Response& response)>;

class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;  ///< "/v1/requests/{id}/image": literal segments and {name} placeholders
    AsyncHandler handler;
  };

  struct Match {
    const Route* route = nullptr;  ///< null on a miss
    std::vector<std::string> params;
    int miss_status = 0;  ///< 404 (no such path) or 405 (path known, method not); 0 on a hit
    std::string allow;    ///< for 405: the methods the path has, "GET, DELETE"
  };

  /// A placeholder matches one non-empty path segment. HEAD requests are served by the GET route
  /// (the engine drops the body). Throws std::invalid_argument for a duplicate method + pattern.
  void Add(std::string method, std::string pattern, AsyncHandler handler);
  void Add(std::string method, std::string pattern, SyncHandler handler);

  /// Serves GET and HEAD requests for paths no route has (the web application's files and its
  /// client-side routes, pattern "*"); other methods still miss with 404.
  void SetFallback(AsyncHandler handler);
  Match Find(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::optional<Route> fallback_;
};

/// Adapts a SyncHandler: runs it, then replies with what it wrote.
AsyncHandler Synchronous(SyncHandler handler);

}  // namespace faceloop::http
