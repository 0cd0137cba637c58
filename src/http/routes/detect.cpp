// POST /v1/detect and POST /v1/detect/batch: authenticate, charge the key's quota, parse, and hand
// each image to a DetectExchange (detect_exchange.hpp), which replies once it is durable.
#include "http/routes/detect.hpp"

#include <atomic>
#include <memory>
#include <mutex>

#include "common/error.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "http/routes/client_time.hpp"
#include "http/routes/detect_exchange.hpp"
#include "http/routes/detect_params.hpp"

namespace faceloop::http {
namespace {

constexpr std::size_t kMaxBatchImages = 16;

std::shared_ptr<DetectExchange> NewExchange(const std::shared_ptr<const DetectRoutes>& routes, RequestPtr request,
                                            std::string id, Reply reply, const accounts::Principal& who) {
  auto x = std::make_shared<DetectExchange>();
  x->routes = routes;
  x->request = std::move(request);
  x->id = std::move(id);
  x->reply = std::move(reply);
  x->who = who;
  x->received = std::chrono::system_clock::now();
  x->params = DetectParams{routes->default_model, {}};
  return x;
}

std::span<const std::uint8_t> Bytes(std::string_view image) {
  return {reinterpret_cast<const std::uint8_t*>(image.data()), image.size()};
}

void Detect(const std::shared_ptr<const DetectRoutes>& routes, const RequestPtr& req, Reply reply) {
  const DetectRoutes& s = *routes;
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(*req));  // 401, 429: no record
  const auto quota_headers = s.quotas.Charge(who);
  auto x = NewExchange(routes, req, req->request_id, std::move(reply), who);
  AddHeaders(x->answer, quota_headers);
  try {
    x->received = ReceivedAt(*req, s.allow_client_time, x->received);
    x->params = ParseDetectParams(*req, s.default_model, s.models);
    x->image = Bytes(ImageBytes(*req));
  } catch (...) {
    return x->Fail(std::current_exception());
  }
  DetectExchange::Start(x);
}

/// The answers of a batch's images, in order; the batch replies when the last one arrives.
class BatchAnswer {
 public:
  BatchAnswer(std::size_t count, Reply reply, std::vector<std::pair<std::string, std::string>> headers)
      : results_(count), left_(count), reply_(std::move(reply)), headers_(std::move(headers)) {}

  Reply ItemReply(std::size_t index, std::string id, const std::shared_ptr<BatchAnswer>& self) {
    return [self, index, id = std::move(id)](const Response& answer) { self->Set(index, id, answer); };
  }

 private:
  void Set(std::size_t index, const std::string& id, const Response& answer) {
    nlohmann::json item = nlohmann::json::parse(answer.body, nullptr, false);
    if (answer.status != 200) item = {{"error", std::move(item)}};
    item["index"] = index;
    item["request_id"] = id;
    item["status"] = answer.status;
    {
      const std::lock_guard lock(mutex_);
      results_[index] = std::move(item);
    }
    if (--left_ > 0) return;
    Response response;
    WriteJson(response, 200, {{"results", results_}});
    AddHeaders(response, headers_);
    reply_(std::move(response));
  }

  std::mutex mutex_;
  std::vector<nlohmann::json> results_;
  std::atomic<std::size_t> left_;
  Reply reply_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

void DetectBatch(const std::shared_ptr<const DetectRoutes>& routes, const RequestPtr& req, Reply reply) {
  const DetectRoutes& s = *routes;
  const accounts::Principal who = s.auth.Authenticate(ParseCredentials(*req));
  // Whole-batch problems (not multipart, too many images, bad parameters) fail the batch at once.
  const std::vector<std::string_view> images = BatchImages(*req, kMaxBatchImages);
  const DetectParams params = ParseDetectParams(*req, s.default_model, s.models);
  const auto received = ReceivedAt(*req, s.allow_client_time, std::chrono::system_clock::now());
  auto answer = std::make_shared<BatchAnswer>(images.size(), std::move(reply),
                                              s.quotas.Charge(who, static_cast<double>(images.size())));
  for (std::size_t i = 0; i < images.size(); ++i) {
    std::string id = s.new_id();
    auto x = NewExchange(routes, req, id, answer->ItemReply(i, id, answer), who);
    x->received = received;
    x->params = params;
    x->image = Bytes(images[i]);
    if (x->image.empty()) {
      x->Fail(std::make_exception_ptr(Error(ErrorCode::kBadRequest, "image field " + std::to_string(i) + " is empty")));
      continue;
    }
    DetectExchange::Start(x);  // the workers take the images in parallel
  }
}

}  // namespace

void RegisterDetectRoutes(Router& router, HttpMetrics& metrics, DetectRoutes routes) {
  auto shared = std::make_shared<const DetectRoutes>(std::move(routes));
  router.Add("POST", "/v1/detect", GuardAsync(metrics, "POST /v1/detect", [shared](const RequestPtr& req, Reply reply) {
               Detect(shared, req, std::move(reply));
             }));
  router.Add("POST", "/v1/detect/batch",
             GuardAsync(metrics, "POST /v1/detect/batch",
                        [shared](const RequestPtr& req, Reply reply) { DetectBatch(shared, req, std::move(reply)); }));
}

}  // namespace faceloop::http
