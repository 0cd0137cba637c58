#include "storage/s3/location.hpp"

#include <algorithm>
#include <utility>

#include "common/error.hpp"
#include "storage/local_object_store.hpp"  // ValidateKey: one key grammar for every store

namespace faceloop::storage {

namespace {

constexpr std::string_view kScheme = "s3://";

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

struct UrlParameters {
  bool has_endpoint = false;
  bool has_region = false;
};

void ApplyUrlParameter(std::string_view name, std::string value, S3Location& location, UrlParameters& seen) {
  if (name == "endpoint" && !seen.has_endpoint) {
    location.endpoint = NormalizeEndpoint(std::move(value));
    seen.has_endpoint = true;
  } else if (name == "region" && !seen.has_region) {
    ValidateRegion(value);
    location.region = std::move(value);
    seen.has_region = true;
  } else if (name == "endpoint" || name == "region") {
    throw Error(ErrorCode::kBadRequest, "S3 URL parameter \"" + std::string(name) + "\" given twice");
  } else {
    throw Error(ErrorCode::kBadRequest,
                "unknown S3 URL parameter \"" + std::string(name) + "\" (known: endpoint, region)");
  }
}

// "bucket[/prefix[/]]" of the URL into `location`.
void ParseBucketAndPrefix(std::string_view path, S3Location& location) {
  const auto slash = path.find('/');
  location.bucket = std::string(path.substr(0, slash));
  ValidateBucket(location.bucket);
  if (slash == std::string_view::npos) return;
  std::string_view prefix = path.substr(slash + 1);
  if (prefix.ends_with('/')) prefix.remove_suffix(1);
  location.prefix = std::string(prefix);
  ValidatePrefix(location.prefix);
}

}  // namespace

S3Location ParseS3Url(std::string_view url) {
  if (!url.starts_with(kScheme)) throw Error(ErrorCode::kBadRequest, "S3 URL must start with s3://");
  url.remove_prefix(kScheme.size());
  const auto question = url.find('?');
  const std::string_view query = question == std::string_view::npos ? std::string_view() : url.substr(question + 1);

  S3Location location;
  ParseBucketAndPrefix(url.substr(0, question), location);
  UrlParameters seen;
  std::size_t at = 0;
  while (at < query.size()) {
    const auto amp = std::min(query.find('&', at), query.size());
    const std::string_view pair = query.substr(at, amp - at);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw Error(ErrorCode::kBadRequest, "S3 URL parameter \"" + std::string(pair) + "\" must be name=value");
    }
    ApplyUrlParameter(pair.substr(0, eq), PercentDecode(pair.substr(eq + 1)), location, seen);
    at = amp + 1;
  }
  if (!seen.has_endpoint) location.endpoint = "https://s3." + location.region + ".amazonaws.com";
  return location;
}

S3Credentials CredentialsFromEnv(const EnvLookup& env) {
  const auto get = [&](const char* name) { return env(name).value_or(""); };
  S3Credentials credentials{get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY"), get("AWS_SESSION_TOKEN")};
  if (credentials.access_key_id.empty()) throw Error(ErrorCode::kBadRequest, "AWS_ACCESS_KEY_ID is not set");
  if (credentials.secret_access_key.empty()) throw Error(ErrorCode::kBadRequest, "AWS_SECRET_ACCESS_KEY is not set");
  return credentials;
}

void ValidateLocation(const S3Location& location) {
  ValidateBucket(location.bucket);
  ValidatePrefix(location.prefix);
  ValidateRegion(location.region);
  if (NormalizeEndpoint(location.endpoint) != location.endpoint) {
    throw Error(ErrorCode::kBadRequest, "S3 endpoint must not end with '/'");
  }
}

}  // namespace faceloop::storage
