#include "http/routes/query_params.hpp"

#include <charconv>

#include "common/error.hpp"

namespace faceloop::http {

void BadQueryParam(const std::string& name, const std::string& why) {
  throw Error(ErrorCode::kUnprocessable, "query parameter " + name + " " + why);
}

int LimitParam(const Request& req, int default_limit, int max_limit) {
  if (!req.HasParam("limit")) return default_limit;
  const std::string text = req.Param("limit");
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > max_limit) {
    BadQueryParam("limit", "must be an integer within 1.." + std::to_string(max_limit));
  }
  return value;
}

}  // namespace faceloop::http
