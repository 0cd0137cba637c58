#include "net/http_client.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include "net/curl.hpp"
#include "net/http_status.hpp"

namespace faceloop::net {

namespace {

// Idle handles kept beyond this are closed: a burst must not leave hundreds of sockets open.
constexpr std::size_t kMaxIdleHandles = 32;

struct UploadCursor {
  std::span<const std::uint8_t> bytes;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* cursor = static_cast<UploadCursor*>(user);
  const std::size_t n = std::min(size * count, cursor->bytes.size() - cursor->offset);
  if (n > 0) std::memcpy(buffer, cursor->bytes.data() + cursor->offset, n);
  cursor->offset += n;
  return n;
}

// libcurl rewinds the upload when it resends a request on a fresh connection (a kept-alive one the
// server had closed); without this the request would fail instead.
int SeekUpload(void* user, curl_off_t offset, int origin) {
  auto* cursor = static_cast<UploadCursor*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > cursor->bytes.size()) {
    return CURL_SEEKFUNC_FAIL;
  }
  cursor->offset = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

struct BodySink {
  HttpResponse* response;
  std::size_t max_bytes;  // 0: no limit
};

// Returning fewer bytes than given stops the transfer (CURLE_WRITE_ERROR); Perform then keeps the
// answer, marked truncated.
std::size_t AppendBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  std::vector<std::uint8_t>& body = sink->response->body;
  const std::size_t n = size * count;
  if (sink->max_bytes != 0 && body.size() + n > sink->max_bytes) {
    body.insert(body.end(), data, data + (sink->max_bytes - body.size()));
    sink->response->truncated = true;
    return 0;
  }
  body.insert(body.end(), data, data + n);
  return n;
}

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// One header line at a time. A status line starts the headers of a new answer (after a
// "100 Continue", or a retry on a fresh connection), so it drops those collected so far.
std::size_t AppendHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  const std::string_view line(data, size * count);
  const auto colon = line.find(':');
  if (line.starts_with("HTTP/")) {
    headers->clear();
  } else if (colon != std::string_view::npos && colon > 0) {
    headers->push_back({std::string(line.substr(0, colon)), std::string(Trim(line.substr(colon + 1)))});
  }
  return size * count;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

std::string WithoutQuery(const std::string& url) { return url.substr(0, url.find('?')); }

std::uint64_t RandomBits() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine();
}

void ValidateOptions(const HttpClientOptions& options) {
  const RetryPolicy& retry = options.retry;
  if (options.connect_timeout.count() <= 0 || options.timeout.count() <= 0 || retry.max_attempts < 1 ||
      retry.base_delay.count() < 0 || retry.max_delay.count() < 0) {
    throw Error(ErrorCode::kBadRequest, "HTTP client options: timeouts must be > 0, attempts >= 1, delays >= 0");
  }
}

struct Attempt {
  CURLcode code = CURLE_OK;
  std::string reason;  // libcurl's description of a failure
  HttpResponse response;
};

CurlList RequestHeaders(const HttpRequest& request) {
  CurlList list;
  for (const Header& header : request.headers) list.Append(header.name + ": " + header.value);
  // No "Expect: 100-continue" before a body: with servers that do not answer it, libcurl waits a
  // second per request before sending the body anyway.
  list.Append("Expect:");
  return list;
}

bool HasBody(const HttpRequest& request) {
  return !request.body.empty() || request.method == "PUT" || request.method == "POST" || request.method == "PATCH";
}

void SetMethodAndBody(CURL* handle, const HttpRequest& request, UploadCursor& upload) {
  if (request.method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else if (HasBody(request)) {
    // Streamed from the caller's bytes (no copy), with a Content-Length; UPLOAD means PUT unless
    // the method is set as well.
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
    curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, SeekUpload);
    curl_easy_setopt(handle, CURLOPT_SEEKDATA, &upload);
  }
  if (request.method != "GET" && request.method != "HEAD" && request.method != "PUT") {
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

void SetConnectionOptions(CURL* handle, const HttpClientOptions& options) {
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we are multi-threaded
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, options.verify_peer ? 1L : 0L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, options.verify_peer ? 2L : 0L);
  if (!options.ca_file.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.username.empty()) {
    curl_easy_setopt(handle, CURLOPT_USERNAME, options.username.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, options.password.c_str());
  }
}

Attempt Perform(CURL* handle, const HttpClientOptions& options, const HttpRequest& request) {
  Attempt attempt;
  const CurlList headers = RequestHeaders(request);
  UploadCursor upload{request.body};
  std::array<char, CURL_ERROR_SIZE> error_text{};
  SetConnectionOptions(handle, options);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text.data());
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, AppendBody);
  BodySink sink{&attempt.response, options.max_response_bytes};
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, AppendHeader);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &attempt.response.headers);
  SetMethodAndBody(handle, request, upload);
  attempt.code = curl_easy_perform(handle);
  if (attempt.code == CURLE_WRITE_ERROR && attempt.response.truncated) attempt.code = CURLE_OK;  // our stop
  if (attempt.code != CURLE_OK) {
    attempt.reason = error_text[0] != '\0' ? error_text.data() : curl_easy_strerror(attempt.code);
  } else {
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &attempt.response.status);
  }
  return attempt;
}

std::string DescribeFailure(const HttpRequest& request, const Attempt& attempt, int attempts) {
  std::string text = request.what.empty() ? "HTTP " + request.method : request.what;
  text += " failed";
  if (attempts > 1) text += " after " + std::to_string(attempts) + " attempts";
  text += ": " + attempt.reason + " (" + request.method + " " + WithoutQuery(request.url) + ")";
  return text;
}

}  // namespace

/// Idle easy handles. curl_easy_reset clears a handle's options but keeps its open connections, so
/// the next request to the same host reuses one.
class HttpClient::HandlePool {
 public:
  HandlePool() = default;
  ~HandlePool() = default;
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;

  CurlEasy Acquire() {
    {
      const std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        CurlEasy handle = std::move(idle_.back());
        idle_.pop_back();
        return handle;
      }
    }
    return MakeCurlEasy();
  }

  void Release(CurlEasy handle) {
    curl_easy_reset(handle.get());
    const std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdleHandles) idle_.push_back(std::move(handle));
  }

 private:
  std::mutex mutex_;
  std::vector<CurlEasy> idle_;
};

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), handles_(std::make_unique<HandlePool>()) {
  ValidateOptions(options_);
  EnsureCurlInitialized();
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Send(const HttpRequest& request) {
  const bool idempotent = request.idempotent.value_or(IsIdempotentMethod(request.method));
  for (int attempt_number = 1;; ++attempt_number) {
    CurlEasy handle = handles_->Acquire();
    Attempt attempt = Perform(handle.get(), options_, request);
    handles_->Release(std::move(handle));
    const bool last = attempt_number >= options_.retry.max_attempts;
    if (attempt.code == CURLE_OK) {
      if (last || !idempotent || !IsRetryableStatus(attempt.response.status)) return std::move(attempt.response);
    } else if (last || !IsTransientTransfer(attempt.code) || !(idempotent || NothingWasSent(attempt.code))) {
      throw Error(ErrorCodeForTransfer(attempt.code), DescribeFailure(request, attempt, attempt_number));
    }
    std::this_thread::sleep_for(BackoffDelay(options_.retry, attempt_number, RandomBits()));
  }
}

std::optional<std::string> HttpResponse::Find(std::string_view name) const {
  for (const Header& header : headers) {
    if (EqualsIgnoreCase(header.name, name)) return header.value;
  }
  return std::nullopt;
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, std::uint64_t random) {
  // base * 2^(retry-1), saturating at max_delay; the shift stops early so it cannot overflow.
  std::uint64_t cap = static_cast<std::uint64_t>(policy.base_delay.count());
  const auto max = static_cast<std::uint64_t>(policy.max_delay.count());
  for (int i = 1; i < retry && cap < max; ++i) cap *= 2;
  cap = std::min(cap, max);
  return std::chrono::milliseconds{static_cast<std::int64_t>(random % (cap + 1))};
}

bool IsIdempotentMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS";
}

}  // namespace faceloop::net
