#include "storage/s3/sigv4.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace faceloop::storage {

namespace {

using Digest = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

void EnsureSodium() {
  // sodium_init is thread-safe and idempotent; the static runs it once.
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw Error(ErrorCode::kInternal, "sodium_init failed");
}

std::span<const unsigned char> Bytes(std::string_view text) {
  return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

std::string Hex(std::span<const unsigned char> digest) {
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();  // the terminating NUL
  return hex;
}

Digest HmacSha256(std::span<const unsigned char> key, std::string_view message) {
  EnsureSodium();
  crypto_auth_hmacsha256_state state;
  Digest digest{};
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  crypto_auth_hmacsha256_update(&state, Bytes(message).data(), message.size());
  crypto_auth_hmacsha256_final(&state, digest.data());
  return digest;
}

bool IsUnreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; });
  return out;
}

// Trimmed, inner runs of spaces collapsed to one, as SigV4 canonicalises header values.
std::string CanonicalValue(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// "20130524T000000Z"
std::string AmzDate(std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  const auto seconds = floor<std::chrono::seconds>(now);
  const auto day = floor<days>(seconds);
  const year_month_day date{day};
  const hh_mm_ss clock{seconds - day};
  std::array<char, 64> text{};
  (void)std::snprintf(text.data(), text.size(), "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(date.year()),
                      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                      static_cast<int>(clock.seconds().count()));
  return text.data();
}

struct CanonicalHeaders {
  std::string lines;         // "name:value\n" each, sorted by name
  std::string signed_names;  // "name;name;..."
};

CanonicalHeaders Canonicalize(const net::Headers& headers) {
  std::vector<std::pair<std::string, std::string>> sorted;
  for (const net::Header& header : headers) sorted.emplace_back(Lower(header.name), CanonicalValue(header.value));
  std::sort(sorted.begin(), sorted.end());
  CanonicalHeaders canonical;
  for (const auto& [name, value] : sorted) {
    canonical.lines.append(name).append(":").append(value).append("\n");
    if (!canonical.signed_names.empty()) canonical.signed_names += ';';
    canonical.signed_names += name;
  }
  return canonical;
}

std::string Signature(const SigV4Key& key, std::string_view day, std::string_view string_to_sign) {
  const std::string secret = std::string("AWS4").append(key.secret_access_key);
  const Digest date_key = HmacSha256(Bytes(secret), day);
  const Digest region_key = HmacSha256(date_key, key.region);
  const Digest service_key = HmacSha256(region_key, key.service);
  const Digest signing_key = HmacSha256(service_key, "aws4_request");
  return Hex(HmacSha256(signing_key, string_to_sign));
}

}  // namespace

std::string Sha256Hex(std::span<const std::uint8_t> bytes) {
  EnsureSodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), bytes.data(), bytes.size());
  return Hex(digest);
}

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

net::Headers SignV4(const SigV4Request& request, const SigV4Key& key, std::chrono::system_clock::time_point now) {
  net::Headers headers = request.headers;
  const std::string amz_date = AmzDate(now);
  headers.push_back({"x-amz-date", amz_date});
  const CanonicalHeaders canonical = Canonicalize(headers);
  std::string canonical_request;
  for (const std::string_view part : {request.method, request.path, request.query, std::string_view(canonical.lines),
                                      std::string_view(canonical.signed_names)}) {
    canonical_request.append(part).append("\n");
  }
  canonical_request.append(request.payload_sha256);

  const std::string_view day = std::string_view(amz_date).substr(0, 8);
  const std::string scope =
      std::string(day).append("/").append(key.region).append("/").append(key.service).append("/aws4_request");
  const std::string string_to_sign = std::string("AWS4-HMAC-SHA256\n")
                                         .append(amz_date)
                                         .append("\n")
                                         .append(scope)
                                         .append("\n")
                                         .append(Sha256Hex(net::AsBytes(canonical_request)));
  headers.push_back({"Authorization", std::string("AWS4-HMAC-SHA256 Credential=")
                                          .append(key.access_key_id)
                                          .append("/")
                                          .append(scope)
                                          .append(", SignedHeaders=")
                                          .append(canonical.signed_names)
                                          .append(", Signature=")
                                          .append(Signature(key, day, string_to_sign))});
  return headers;
}

}  // namespace faceloop::storage
