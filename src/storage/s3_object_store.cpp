#include "storage/s3_object_store.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "storage/local_object_store.hpp"  // ValidateKey: one key grammar for every store

namespace faceloop::storage {

namespace {

constexpr std::string_view kScheme = "s3://";
constexpr int kMaxListPageSize = 1000;  // S3's own cap on max-keys

// ---- URL and credential parsing ---------------------------------------------------------------

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// S3's bucket naming rules (the subset every provider accepts): 3..63 of [a-z0-9.-], starting and
// ending with a letter or digit, no "..".
void ValidateBucket(std::string_view bucket) {
  const bool ok =
      bucket.size() >= 3 && bucket.size() <= 63 && IsLowerAlnum(bucket.front()) && IsLowerAlnum(bucket.back()) &&
      bucket.find("..") == std::string_view::npos &&
      std::all_of(bucket.begin(), bucket.end(), [](char c) { return IsLowerAlnum(c) || c == '.' || c == '-'; });
  if (!ok) {
    throw Error(ErrorCode::kBadRequest, "S3 bucket name \"" + std::string(bucket) +
                                            "\" must be 3..63 of [a-z0-9.-], start and end with a letter or digit");
  }
}

void ValidatePrefix(std::string_view prefix) {
  if (prefix.empty()) return;
  try {
    ValidateKey(prefix);
  } catch (const Error& error) {
    throw Error(ErrorCode::kBadRequest, "S3 prefix \"" + std::string(prefix) + "\": " + error.what());
  }
}

void ValidateRegion(std::string_view region) {
  if (region.empty() ||
      !std::all_of(region.begin(), region.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; })) {
    throw Error(ErrorCode::kBadRequest, "S3 region \"" + std::string(region) + "\" must be [a-z0-9-]+");
  }
}

// scheme://host[:port] and nothing else: the store appends /bucket/key itself.
std::string NormalizeEndpoint(std::string endpoint) {
  if (endpoint.ends_with('/')) endpoint.pop_back();
  const auto scheme_end = endpoint.find("://");
  const std::string_view scheme = std::string_view(endpoint).substr(0, scheme_end);
  const std::string_view authority =
      scheme_end == std::string::npos ? std::string_view() : std::string_view(endpoint).substr(scheme_end + 3);
  if ((scheme != "http" && scheme != "https") || authority.empty() ||
      authority.find_first_of("/?#@ ") != std::string_view::npos) {
    throw Error(ErrorCode::kBadRequest,
                "S3 endpoint \"" + endpoint + "\" must be http(s)://host[:port] without path or credentials");
  }
  return endpoint;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (high < 0 || low < 0) throw Error(ErrorCode::kBadRequest, "S3 URL has a bad %-escape");
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

void ApplyUrlParameter(std::string_view name, std::string value, S3Location& location, bool& has_endpoint,
                       bool& has_region) {
  if (name == "endpoint" && !has_endpoint) {
    location.endpoint = NormalizeEndpoint(std::move(value));
    has_endpoint = true;
  } else if (name == "region" && !has_region) {
    ValidateRegion(value);
    location.region = std::move(value);
    has_region = true;
  } else if (name == "endpoint" || name == "region") {
    throw Error(ErrorCode::kBadRequest, "S3 URL parameter \"" + std::string(name) + "\" given twice");
  } else {
    throw Error(ErrorCode::kBadRequest,
                "unknown S3 URL parameter \"" + std::string(name) + "\" (known: endpoint, region)");
  }
}

// ---- request building ---------------------------------------------------------------------------

bool IsUnreserved(char c) {
  return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' || c == '.' || c == '~';
}

// The characters of keys and key prefixes (see ValidateKey).
bool IsKeyChar(char c) { return (IsUnreserved(c) && c != '~') || c == '/'; }

// SigV4's URI encoding (unreserved characters kept, everything else %XX in upper case). libcurl 7.88
// signs the path and query exactly as given, so they must already be in canonical form.
std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
  return out;
}

std::string Sha256Hex(std::span<const std::uint8_t> bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), bytes.data(), bytes.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return hex.data();
}

// The SHA-256 of an empty body, which GET, HEAD and DELETE carry.
constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Not at static-init time: curl_global_init is not thread-safe, so it runs once, on first use.
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error(ErrorCode::kInternal, "curl_global_init failed");
    if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "sodium_init failed");
  });
}

// ---- XML (the few elements S3 answers carry) -------------------------------------------------------

void AppendUtf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x110000) {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    throw Error(ErrorCode::kInternal, "S3 answer has an XML character reference out of range");
  }
}

std::uint32_t ParseCharReference(std::string_view digits) {
  const bool hex = digits.starts_with('x') || digits.starts_with('X');
  if (hex) digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 8) throw Error(ErrorCode::kInternal, "S3 answer has a bad XML reference");
  std::uint32_t value = 0;
  for (const char c : digits) {
    const int digit = hex ? HexValue(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
    if (digit < 0) throw Error(ErrorCode::kInternal, "S3 answer has a bad XML reference");
    value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
  }
  return value;
}

/// Replaces XML's five named entities and numeric character references (S3 escapes keys so).
std::string XmlUnescape(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, char>, 5> kNamed{
      {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}}};
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {
      out += text[i++];
      continue;
    }
    const auto end = text.find(';', i);
    if (end == std::string_view::npos) throw Error(ErrorCode::kInternal, "S3 answer has an unterminated XML entity");
    const std::string_view name = text.substr(i + 1, end - i - 1);
    if (name.starts_with('#')) {
      AppendUtf8(ParseCharReference(name.substr(1)), out);
    } else {
      const auto* named = std::find_if(kNamed.begin(), kNamed.end(), [&](const auto& e) { return e.first == name; });
      if (named == kNamed.end()) throw Error(ErrorCode::kInternal, "S3 answer has an unknown XML entity");
      out += named->second;
    }
    i = end + 1;
  }
  return out;
}

/// The text of each <tag>...</tag> in `xml` (S3 answers never nest an element in one of its kind).
std::vector<std::string_view> Elements(std::string_view xml, std::string_view tag) {
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string temporaries.
  const std::string open = std::string("<").append(tag).append(">");
  const std::string close = std::string("</").append(tag).append(">");
  std::vector<std::string_view> found;
  std::size_t at = 0;
  while ((at = xml.find(open, at)) != std::string_view::npos) {
    const std::size_t start = at + open.size();
    const std::size_t end = xml.find(close, start);
    if (end == std::string_view::npos)
      throw Error(ErrorCode::kInternal, "S3 answer has an unclosed <" + std::string(tag) + ">");
    found.push_back(xml.substr(start, end - start));
    at = end + close.size();
  }
  return found;
}

std::optional<std::string> FirstElement(std::string_view xml, std::string_view tag) {
  const auto all = Elements(xml, tag);
  if (all.empty()) return std::nullopt;
  return XmlUnescape(all.front());
}

std::string_view AsText(const std::vector<std::uint8_t>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// ---- curl plumbing ------------------------------------------------------------------------------

struct UploadState {
  std::span<const std::uint8_t> bytes;
  std::size_t offset = 0;
};

std::size_t ReadBody(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* state = static_cast<UploadState*>(user);
  const std::size_t n = std::min(size * count, state->bytes.size() - state->offset);
  std::memcpy(buffer, state->bytes.data() + state->offset, n);
  state->offset += n;
  return n;
}

// libcurl rewinds the upload when it resends a request on a fresh connection (a kept-alive one that
// the server had closed); without this it would fail the Put instead.
int SeekBody(void* user, curl_off_t offset, int origin) {
  auto* state = static_cast<UploadState*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > state->bytes.size()) {
    return CURL_SEEKFUNC_FAIL;
  }
  state->offset = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

std::size_t WriteBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::vector<std::uint8_t>*>(user);
  body->insert(body->end(), data, data + size * count);
  return size * count;
}

struct HeaderList {
  curl_slist* list = nullptr;
  HeaderList() = default;
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  ~HeaderList() { curl_slist_free_all(list); }
  void Add(const std::string& header) {
    curl_slist* grown = curl_slist_append(list, header.c_str());
    if (grown == nullptr) throw Error(ErrorCode::kInternal, "out of memory building S3 request headers");
    list = grown;
  }
};

// Errors that retrying will not fix: the configuration (URL, TLS trust) is wrong.
bool IsConfigurationError(CURLcode code) {
  return code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT || code == CURLE_BAD_FUNCTION_ARGUMENT ||
         code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE || code == CURLE_NOT_BUILT_IN;
}

}  // namespace

// ---- the store -----------------------------------------------------------------------------------

/// Idle easy handles; a handle keeps its connections open between calls, so a busy store does not pay
/// a TCP (and TLS) handshake per object.
class S3ObjectStore::HandlePool {
 public:
  HandlePool() = default;
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;
  ~HandlePool() {
    for (CURL* handle : idle_) curl_easy_cleanup(handle);
  }

  CURL* Acquire() {
    {
      const std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        CURL* handle = idle_.back();
        idle_.pop_back();
        return handle;
      }
    }
    CURL* handle = curl_easy_init();
    if (handle == nullptr) throw Error(ErrorCode::kInternal, "curl_easy_init failed");
    return handle;
  }

  void Release(CURL* handle) {
    curl_easy_reset(handle);  // options only; the connection cache survives
    const std::lock_guard lock(mutex_);
    idle_.push_back(handle);
  }

 private:
  std::mutex mutex_;
  std::vector<CURL*> idle_;
};

struct S3ObjectStore::Request {
  std::string method;  // GET, HEAD, PUT or DELETE
  std::string path;    // canonical (already URI-encoded), starting with '/'
  std::string query;   // canonical: parameters sorted by name, values URI-encoded; "" for none
  std::span<const std::uint8_t> body;
  std::string what;  // "S3 GET bucket/key", for messages
};

struct S3ObjectStore::Response {
  long status = 0;
  std::vector<std::uint8_t> body;

  /// The <Code> of an S3 error answer, "" when there is none. Never throws: a proxy's HTML error page
  /// must not hide the status behind an XML error.
  std::string ErrorCodeText() const {
    const std::string_view text = AsText(body);
    const auto start = text.find("<Code>");
    const auto end = start == std::string_view::npos ? start : text.find("</Code>", start);
    if (end == std::string_view::npos) return "";
    const std::string_view code = text.substr(start + 6, end - start - 6);
    const bool plain =
        code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char c) { return IsUnreserved(c); });
    return plain ? std::string(code) : "";
  }
};

namespace {

/// Throws the Error a non-success S3 answer stands for (see the class comment).
[[noreturn]] void ThrowForStatus(const std::string& what, long status, const std::string& s3_code,
                                 const std::string& access_key_id) {
  const std::string detail = std::to_string(status) + (s3_code.empty() ? "" : " " + s3_code);
  if (status == 403) {
    throw Error(ErrorCode::kInternal,
                what + ": S3 refused credentials (" + detail + ") for access key id " + access_key_id);
  }
  if (status >= 500 || status == 429) {
    throw Error(ErrorCode::kUnavailable, what + ": S3 unavailable (" + detail + ")");
  }
  throw Error(ErrorCode::kInternal, what + ": unexpected S3 answer " + detail);
}

}  // namespace

S3ObjectStore::S3ObjectStore(S3Location location, S3Credentials credentials, S3Options options)
    : location_(std::move(location)),
      credentials_(std::move(credentials)),
      options_(options),
      handles_(std::make_unique<HandlePool>()) {
  ValidateBucket(location_.bucket);
  ValidatePrefix(location_.prefix);
  ValidateRegion(location_.region);
  if (NormalizeEndpoint(location_.endpoint) != location_.endpoint) {
    throw Error(ErrorCode::kBadRequest, "S3 endpoint must not end with '/'");
  }
  if (credentials_.access_key_id.empty() || credentials_.secret_access_key.empty()) {
    throw Error(ErrorCode::kBadRequest, "S3 access key id and secret access key must not be empty");
  }
  if (options_.connect_timeout_ms <= 0 || options_.timeout_ms <= 0 || options_.list_page_size < 1 ||
      options_.list_page_size > kMaxListPageSize) {
    throw Error(ErrorCode::kBadRequest, "S3 options: timeouts must be > 0 and list_page_size 1..1000");
  }
  GlobalInitOnce();
}

S3ObjectStore::~S3ObjectStore() = default;

std::string S3ObjectStore::BucketPath() const { return std::string("/").append(UriEncode(location_.bucket, false)); }

std::string S3ObjectStore::ObjectPath(const std::string& key) const {
  ValidateKey(key);
  const std::string full = location_.prefix.empty() ? key : location_.prefix + "/" + key;
  return BucketPath() + "/" + UriEncode(full, true);
}

S3ObjectStore::Response S3ObjectStore::Perform(const Request& request) {
  CURL* handle = handles_->Acquire();
  struct Lease {
    HandlePool& pool;
    CURL* handle;
    ~Lease() { pool.Release(handle); }
  } lease{*handles_, handle};

  const std::string url = location_.endpoint + request.path + (request.query.empty() ? "" : "?" + request.query);
  const std::string sigv4 = "aws:amz:" + location_.region + ":s3";
  HeaderList headers;
  // libcurl 7.88 neither sends this header (S3 requires it) nor hashes an upload's body itself; it
  // signs whatever value the header carries, so the hash is computed here.
  headers.Add("x-amz-content-sha256: " + (request.body.empty() ? std::string(kEmptySha256) : Sha256Hex(request.body)));
  if (!credentials_.session_token.empty()) headers.Add("x-amz-security-token: " + credentials_.session_token);
  // No "Expect:" entry to drop curl's 100-continue: libcurl 7.88 signs it as an empty header that is
  // never sent, and the server's signature then differs.

  UploadState upload{request.body};
  Response response;
  std::array<char, CURL_ERROR_SIZE> error_text{};
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text.data());
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we are multi-threaded
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(handle, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(handle, CURLOPT_USERNAME, credentials_.access_key_id.c_str());
  curl_easy_setopt(handle, CURLOPT_PASSWORD, credentials_.secret_access_key.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
  if (request.method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
    curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, SeekBody);
    curl_easy_setopt(handle, CURLOPT_SEEKDATA, &upload);
  } else if (request.method != "GET") {
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    const std::string reason = error_text[0] != '\0' ? error_text.data() : curl_easy_strerror(code);
    throw Error(IsConfigurationError(code) ? ErrorCode::kInternal : ErrorCode::kUnavailable,
                request.what + ": request to S3 at " + location_.endpoint + " failed: " + reason);
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

void S3ObjectStore::Put(const std::string& key, std::span<const std::uint8_t> bytes) {
  const std::string path = ObjectPath(key);
  const Request request{"PUT", path, "", bytes, "S3 PUT " + path};
  const Response response = Perform(request);
  if (response.status != 200)
    ThrowForStatus(request.what, response.status, response.ErrorCodeText(), credentials_.access_key_id);
}

std::optional<std::vector<std::uint8_t>> S3ObjectStore::Get(const std::string& key) {
  const std::string path = ObjectPath(key);
  const Request request{"GET", path, "", {}, "S3 GET " + path};
  Response response = Perform(request);
  if (response.status == 200) return std::move(response.body);
  const std::string s3_code = response.ErrorCodeText();
  // A missing bucket is a configuration problem, not a missing object.
  if (response.status == 404 && s3_code != "NoSuchBucket") return std::nullopt;
  ThrowForStatus(request.what, response.status, s3_code, credentials_.access_key_id);
}

void S3ObjectStore::Delete(const std::string& key) {
  const std::string path = ObjectPath(key);
  const Request request{"DELETE", path, "", {}, "S3 DELETE " + path};
  const Response response = Perform(request);
  if (response.status == 204 || response.status == 200) return;
  const std::string s3_code = response.ErrorCodeText();
  if (response.status == 404 && s3_code != "NoSuchBucket") return;  // S3 says 204; some servers 404
  ThrowForStatus(request.what, response.status, s3_code, credentials_.access_key_id);
}

bool S3ObjectStore::Exists(const std::string& key) {
  const std::string path = ObjectPath(key);
  const Request request{"HEAD", path, "", {}, "S3 HEAD " + path};
  const Response response = Perform(request);
  if (response.status == 200) return true;
  if (response.status == 404) return false;  // a HEAD answer has no body to tell a missing bucket
  ThrowForStatus(request.what, response.status, "", credentials_.access_key_id);
}

std::vector<std::string> S3ObjectStore::List(const std::string& prefix) {
  if (!std::all_of(prefix.begin(), prefix.end(), IsKeyChar)) {
    throw Error(ErrorCode::kBadRequest, "key prefix may only hold [A-Za-z0-9/_.-]");
  }
  const std::string store_prefix = location_.prefix.empty() ? "" : location_.prefix + "/";
  const std::string s3_prefix = store_prefix + prefix;
  std::vector<std::string> keys;
  std::string token;
  do {
    // ListObjectsV2, parameters in the sorted order SigV4 signs them in.
    std::string query;
    if (!token.empty()) query += "continuation-token=" + UriEncode(token, false) + "&";
    query += "list-type=2&max-keys=" + std::to_string(options_.list_page_size);
    if (!s3_prefix.empty()) query += "&prefix=" + UriEncode(s3_prefix, false);
    const Request request{"GET", BucketPath(), query, {}, "S3 LIST " + BucketPath() + "/" + s3_prefix};
    const Response response = Perform(request);
    if (response.status != 200) {
      ThrowForStatus(request.what, response.status, response.ErrorCodeText(), credentials_.access_key_id);
    }
    S3ListPage page = ParseListObjectsV2(AsText(response.body));
    for (std::string& key : page.keys) {
      if (!key.starts_with(s3_prefix)) throw Error(ErrorCode::kInternal, request.what + ": S3 listed a key outside it");
      keys.push_back(key.substr(store_prefix.size()));
    }
    token = std::move(page.next_token);
  } while (!token.empty());
  std::sort(keys.begin(), keys.end());  // S3 lists in byte order already; other servers may not
  return keys;
}

void S3ObjectStore::EnsureBucket() {
  const std::string what = "S3 create bucket " + location_.bucket;
  const Response head = Perform({"HEAD", BucketPath(), "", {}, "S3 HEAD bucket " + location_.bucket});
  if (head.status == 200) return;
  if (head.status != 404) ThrowForStatus(what, head.status, "", credentials_.access_key_id);
  // Outside us-east-1, AWS wants the region named in the body as well.
  const std::string body =
      location_.region == "us-east-1"
          ? ""
          : "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
                location_.region + "</LocationConstraint></CreateBucketConfiguration>";
  const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
  const Response created = Perform({"PUT", BucketPath(), "", bytes, what});
  if (created.status == 200) return;
  const std::string s3_code = created.ErrorCodeText();
  if (created.status == 409 && s3_code == "BucketAlreadyOwnedByYou") return;  // created meanwhile
  ThrowForStatus(what, created.status, s3_code, credentials_.access_key_id);
}

S3ListPage ParseListObjectsV2(std::string_view xml) {
  S3ListPage page;
  for (const std::string_view contents : Elements(xml, "Contents")) {
    auto key = FirstElement(contents, "Key");
    if (!key) throw Error(ErrorCode::kInternal, "S3 list answer has <Contents> without <Key>");
    page.keys.push_back(std::move(*key));
  }
  if (FirstElement(xml, "IsTruncated").value_or("false") == "true") {
    page.next_token = FirstElement(xml, "NextContinuationToken").value_or("");
    // Without a token the next request would start over: fail rather than loop forever.
    if (page.next_token.empty())
      throw Error(ErrorCode::kInternal, "S3 list answer truncated without a continuation token");
  }
  return page;
}

S3Location ParseS3Url(std::string_view url) {
  if (!url.starts_with(kScheme)) throw Error(ErrorCode::kBadRequest, "S3 URL must start with s3://");
  url.remove_prefix(kScheme.size());
  const auto question = url.find('?');
  std::string_view path = url.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? std::string_view() : url.substr(question + 1);

  S3Location location;
  const auto slash = path.find('/');
  location.bucket = std::string(path.substr(0, slash));
  ValidateBucket(location.bucket);
  if (slash != std::string_view::npos) {
    std::string_view prefix = path.substr(slash + 1);
    if (prefix.ends_with('/')) prefix.remove_suffix(1);
    location.prefix = std::string(prefix);
    ValidatePrefix(location.prefix);
  }

  bool has_endpoint = false;
  bool has_region = false;
  std::size_t at = 0;
  while (at < query.size()) {
    const auto amp = std::min(query.find('&', at), query.size());
    const std::string_view pair = query.substr(at, amp - at);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw Error(ErrorCode::kBadRequest, "S3 URL parameter \"" + std::string(pair) + "\" must be name=value");
    }
    ApplyUrlParameter(pair.substr(0, eq), PercentDecode(pair.substr(eq + 1)), location, has_endpoint, has_region);
    at = amp + 1;
  }
  if (!has_endpoint) location.endpoint = "https://s3." + location.region + ".amazonaws.com";
  return location;
}

S3Credentials CredentialsFromEnv(const std::function<std::optional<std::string>(const char*)>& env) {
  const auto get = [&](const char* name) { return env(name).value_or(""); };
  S3Credentials credentials{get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY"), get("AWS_SESSION_TOKEN")};
  if (credentials.access_key_id.empty()) throw Error(ErrorCode::kBadRequest, "AWS_ACCESS_KEY_ID is not set");
  if (credentials.secret_access_key.empty()) throw Error(ErrorCode::kBadRequest, "AWS_SECRET_ACCESS_KEY is not set");
  return credentials;
}

}  // namespace faceloop::storage
