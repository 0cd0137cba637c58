#include "storage/s3/s3_object_store.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "common/error.hpp"
#include "net/http_status.hpp"
#include "storage/local_object_store.hpp"  // ValidateKey: one key grammar for every store
#include "storage/s3/sigv4.hpp"

namespace faceloop::storage {

namespace {

constexpr int kMaxListPageSize = 1000;  // S3's own cap on max-keys

void ValidateOptions(const S3Options& options) {
  if (options.connect_timeout_ms <= 0 || options.timeout_ms <= 0 || options.list_page_size < 1 ||
      options.list_page_size > kMaxListPageSize) {
    throw Error(ErrorCode::kBadRequest, "S3 options: timeouts must be > 0 and list_page_size 1..1000");
  }
}

// Checked before the HTTP client is made, so a bad location fails as such and not as a bad option.
S3Location Validated(S3Location location, const S3Credentials& credentials, const S3Options& options) {
  ValidateLocation(location);
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    throw Error(ErrorCode::kBadRequest, "S3 access key id and secret access key must not be empty");
  }
  ValidateOptions(options);
  return location;
}

net::HttpClientOptions ClientOptions(const S3Options& options) {
  net::HttpClientOptions client;
  client.connect_timeout = std::chrono::milliseconds(options.connect_timeout_ms);
  client.timeout = std::chrono::milliseconds(options.timeout_ms);
  client.retry = options.retry;
  return client;
}

std::string Authority(const std::string& endpoint) { return endpoint.substr(endpoint.find("://") + 3); }

}  // namespace

S3ObjectStore::S3ObjectStore(S3Location location, S3Credentials credentials, S3Options options)
    : location_(Validated(std::move(location), credentials, options)),
      credentials_(std::move(credentials)),
      options_(options),
      host_(Authority(location_.endpoint)),
      client_(ClientOptions(options_)) {}

S3ObjectStore::~S3ObjectStore() = default;

std::string S3ObjectStore::BucketPath() const { return std::string("/").append(UriEncode(location_.bucket, false)); }

std::string S3ObjectStore::ObjectPath(const std::string& key) const {
  ValidateKey(key);
  const std::string full = location_.prefix.empty() ? key : location_.prefix + "/" + key;
  return BucketPath() + "/" + UriEncode(full, true);
}

net::HttpResponse S3ObjectStore::Perform(const Request& request) {
  const std::string payload_sha256 = request.body.empty() ? std::string(kEmptySha256) : Sha256Hex(request.body);
  net::Headers headers = {{"Host", host_}, {"x-amz-content-sha256", payload_sha256}};
  if (!credentials_.session_token.empty()) headers.push_back({"x-amz-security-token", credentials_.session_token});
  net::HttpRequest http;
  http.method = request.method;
  http.url = location_.endpoint + request.path + (request.query.empty() ? "" : "?" + request.query);
  // Signed once: a retry sends the same signature, which S3 accepts for 15 minutes.
  http.headers = SignV4({request.method, request.path, request.query, std::move(headers), payload_sha256},
                        {credentials_.access_key_id, credentials_.secret_access_key, location_.region},
                        std::chrono::system_clock::now());
  http.body = request.body;
  http.what = request.what;
  return client_.Send(http);
}

void S3ObjectStore::ThrowForStatus(const std::string& what, const net::HttpResponse& response) const {
  const long status = response.status;
  const std::string s3_code = S3ErrorCode(response.text());
  const std::string detail = std::to_string(status) + (s3_code.empty() ? "" : " " + s3_code);
  if (status == 401 || status == 403) {
    throw net::StatusError(
        status, what + ": S3 refused credentials (" + detail + ") for access key id " + credentials_.access_key_id);
  }
  // A missing bucket is a configuration problem, not a missing object (a 404 would say kNotFound).
  if (s3_code == "NoSuchBucket") throw Error(ErrorCode::kInternal, what + ": S3 has no such bucket (" + detail + ")");
  if (net::ErrorCodeForStatus(status) == ErrorCode::kUnavailable) {
    throw net::StatusError(status, what + ": S3 unavailable (" + detail + ")");
  }
  throw net::StatusError(status, what + ": unexpected S3 answer " + detail);
}

void S3ObjectStore::Put(const std::string& key, std::span<const std::uint8_t> bytes) {
  const std::string path = ObjectPath(key);
  const Request request{"PUT", path, "", bytes, "S3 PUT " + path};
  const net::HttpResponse response = Perform(request);
  if (response.status != 200) ThrowForStatus(request.what, response);
}

std::optional<std::vector<std::uint8_t>> S3ObjectStore::Get(const std::string& key) {
  const std::string path = ObjectPath(key);
  const Request request{"GET", path, "", {}, "S3 GET " + path};
  net::HttpResponse response = Perform(request);
  if (response.status == 200) return std::move(response.body);
  if (response.status == 404 && S3ErrorCode(response.text()) != "NoSuchBucket") return std::nullopt;
  ThrowForStatus(request.what, response);
}

void S3ObjectStore::Delete(const std::string& key) {
  const std::string path = ObjectPath(key);
  const Request request{"DELETE", path, "", {}, "S3 DELETE " + path};
  const net::HttpResponse response = Perform(request);
  if (response.status == 204 || response.status == 200) return;
  // S3 says 204 for a missing object; some servers 404.
  if (response.status == 404 && S3ErrorCode(response.text()) != "NoSuchBucket") return;
  ThrowForStatus(request.what, response);
}

bool S3ObjectStore::Exists(const std::string& key) {
  const std::string path = ObjectPath(key);
  const Request request{"HEAD", path, "", {}, "S3 HEAD " + path};
  const net::HttpResponse response = Perform(request);
  if (response.status == 200) return true;
  if (response.status == 404) return false;  // a HEAD answer has no body to tell a missing bucket
  ThrowForStatus(request.what, response);
}

// One ListObjectsV2 request from `token` ("" for the first page); sets `token` to the next one.
std::vector<std::string> S3ObjectStore::ListPage(const std::string& s3_prefix, std::string& token) {
  // Parameters in the sorted order SigV4 signs them in.
  std::string query;
  if (!token.empty()) query += "continuation-token=" + UriEncode(token, false) + "&";
  query += "list-type=2&max-keys=" + std::to_string(options_.list_page_size);
  if (!s3_prefix.empty()) query += "&prefix=" + UriEncode(s3_prefix, false);
  const Request request{"GET", BucketPath(), query, {}, "S3 LIST " + BucketPath() + "/" + s3_prefix};
  const net::HttpResponse response = Perform(request);
  if (response.status != 200) ThrowForStatus(request.what, response);
  S3ListPage page = ParseListObjectsV2(response.text());
  for (const std::string& key : page.keys) {
    if (!key.starts_with(s3_prefix)) throw Error(ErrorCode::kInternal, request.what + ": S3 listed a key outside it");
  }
  token = std::move(page.next_token);
  return std::move(page.keys);
}

std::vector<std::string> S3ObjectStore::List(const std::string& prefix) {
  ValidateKeyPrefix(prefix);
  const std::string store_prefix = location_.prefix.empty() ? "" : location_.prefix + "/";
  std::vector<std::string> keys;
  std::string token;
  do {
    for (const std::string& key : ListPage(store_prefix + prefix, token)) {
      keys.push_back(key.substr(store_prefix.size()));
    }
  } while (!token.empty());
  std::sort(keys.begin(), keys.end());  // S3 lists in byte order already; other servers may not
  return keys;
}

void S3ObjectStore::EnsureBucket() {
  const std::string what = "S3 create bucket " + location_.bucket;
  const net::HttpResponse head = Perform({"HEAD", BucketPath(), "", {}, "S3 HEAD bucket " + location_.bucket});
  if (head.status == 200) return;
  if (head.status != 404) ThrowForStatus(what, head);
  // Outside us-east-1, AWS wants the region named in the body as well.
  const std::string body =
      location_.region == "us-east-1"
          ? ""
          : "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
                location_.region + "</LocationConstraint></CreateBucketConfiguration>";
  const net::HttpResponse created = Perform({"PUT", BucketPath(), "", net::AsBytes(body), what});
  if (created.status == 200) return;
  // Created meanwhile (another process, or our own first try when the answer was lost).
  if (created.status == 409 && S3ErrorCode(created.text()) == "BucketAlreadyOwnedByYou") return;
  ThrowForStatus(what, created);
}

}  // namespace faceloop::storage
