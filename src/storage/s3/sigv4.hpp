#pragma once
// AWS Signature Version 4 for S3 requests (header-based, payload hash in x-amz-content-sha256). Done
// here rather than by libcurl so that what is signed is exactly what net::HttpClient sends, and the
// HTTP layer stays free of S3.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "net/http_client.hpp"

namespace faceloop::storage {

/// The SHA-256 of an empty body, which GET, HEAD and DELETE carry.
inline constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::span<const std::uint8_t> bytes);

/// SigV4's URI encoding: unreserved characters (A-Za-z0-9-_.~) kept, '/' too when `keep_slash`,
/// every other byte %XX in upper case. Paths and query values must be sent in this form, since the
/// server signs what it receives.
std::string UriEncode(std::string_view text, bool keep_slash);

/// What SigV4 signs of a request.
struct SigV4Request {
  std::string_view method;
  std::string_view path;   ///< canonical: UriEncode(path, true), starting with '/'
  std::string_view query;  ///< canonical: name=value pairs sorted by name, UriEncode'd, '&'-joined
  /// Every header to sign: Host and x-amz-content-sha256 at least (any case; values as sent).
  net::Headers headers;
  std::string_view payload_sha256;  ///< hex, as in x-amz-content-sha256
};

struct SigV4Key {
  std::string_view access_key_id;
  std::string_view secret_access_key;
  std::string_view region;
  std::string_view service = "s3";
};

/// The headers to send: `request.headers` plus x-amz-date (`now`) and an Authorization header
/// signing all of them.
net::Headers SignV4(const SigV4Request& request, const SigV4Key& key, std::chrono::system_clock::time_point now);

}  // namespace faceloop::storage
