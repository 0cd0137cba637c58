#include "http/server/router.hpp"

#include <stdexcept>

namespace faceloop::http {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

bool IsPlaceholder(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

/// Whether `path` fits `pattern`; fills `params` with what the placeholders matched.
bool Matches(std::string_view pattern, std::string_view path, std::vector<std::string>& params) {
  const auto want = Segments(pattern);
  const auto have = Segments(path);
  if (want.size() != have.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (IsPlaceholder(want[i])) {
      if (have[i].empty()) return false;
      params.emplace_back(have[i]);
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, AsyncHandler handler) {
  for (const Route& route : routes_) {
    if (route.method == method && route.pattern == pattern) {
      throw std::invalid_argument(std::string("route registered twice: ").append(method).append(" ").append(pattern));
    }
  }
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(handler)});
}

void Router::Add(std::string method, std::string pattern, SyncHandler handler) {
  Add(std::move(method), std::move(pattern), Synchronous(std::move(handler)));
}

void Router::SetFallback(AsyncHandler handler) { fallback_ = Route{"GET", "*", std::move(handler)}; }

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  Match match;
  std::vector<std::string> params;
  for (const Route& route : routes_) {
    if (!Matches(route.pattern, path, params)) continue;
    if (route.method == wanted) {
      match.route = &route;
      match.params = std::move(params);
      match.miss_status = 0;
      match.allow.clear();
      return match;
    }
    match.allow += (match.allow.empty() ? "" : ", ") + route.method;
    if (route.method == "GET") match.allow += ", HEAD";
    match.miss_status = 405;
  }
  if (match.miss_status == 0) {
    if (fallback_ && wanted == "GET") {
      match.route = &*fallback_;
      return match;
    }
    match.miss_status = 404;
  }
  return match;
}

AsyncHandler Synchronous(SyncHandler handler) {
  return [handler = std::move(handler)](const RequestPtr& request, const Reply& reply) {
    Response response;
    handler(*request, response);
    reply(std::move(response));
  };
}

}  // namespace faceloop::http
