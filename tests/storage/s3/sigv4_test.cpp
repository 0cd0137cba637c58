// SigV4 against the worked examples of the AWS S3 documentation ("Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk"), which publish the signatures AWS
// computes for fixed example keys, requests and a fixed time.
#include "storage/s3/sigv4.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace faceloop::storage {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

constexpr std::string_view kExampleKeyId = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kExampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SigV4Key kExampleKey{kExampleKeyId, kExampleSecret, "us-east-1", "s3"};
const system_clock::time_point kExampleTime = sys_days{2013y / May / 24};

std::string Find(const net::Headers& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (header.name == name) return header.value;
  }
  return "";
}

std::string Authorization(const SigV4Request& request) {
  return Find(SignV4(request, kExampleKey, kExampleTime), "Authorization");
}

std::string ExpectedAuthorization(std::string_view signed_headers, std::string_view signature) {
  return std::string("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ")
      .append("SignedHeaders=")
      .append(signed_headers)
      .append(", Signature=")
      .append(signature);
}

TEST(SigV4Test, GetObjectExample) {
  const SigV4Request request{"GET",
                             "/test.txt",
                             "",
                             {{"Host", "examplebucket.s3.amazonaws.com"},
                              {"Range", "bytes=0-9"},
                              {"x-amz-content-sha256", std::string(kEmptySha256)}},
                             kEmptySha256};
  const net::Headers headers = SignV4(request, kExampleKey, kExampleTime);
  EXPECT_EQ(Find(headers, "x-amz-date"), "20130524T000000Z");
  EXPECT_EQ(Find(headers, "Range"), "bytes=0-9");  // the given headers are sent as given
  EXPECT_EQ(Find(headers, "Authorization"),
            ExpectedAuthorization("host;range;x-amz-content-sha256;x-amz-date",
                                  "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
}

TEST(SigV4Test, PutObjectExample) {
  const std::string body = "Welcome to Amazon S3.";
  const std::string body_hash = Sha256Hex(net::AsBytes(body));
  EXPECT_EQ(body_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  const std::string path = std::string("/").append(UriEncode("test$file.text", true));
  EXPECT_EQ(path, "/test%24file.text");
  const SigV4Request request{"PUT",
                             path,
                             "",
                             {{"Host", "examplebucket.s3.amazonaws.com"},
                              {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                              {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                              {"x-amz-content-sha256", body_hash}},
                             body_hash};
  EXPECT_EQ(Authorization(request),
            ExpectedAuthorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                                  "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
}

TEST(SigV4Test, GetBucketLifecycleExample) {
  const SigV4Request request{
      "GET",
      "/",
      "lifecycle=",
      {{"Host", "examplebucket.s3.amazonaws.com"}, {"x-amz-content-sha256", std::string(kEmptySha256)}},
      kEmptySha256};
  EXPECT_EQ(Authorization(request),
            ExpectedAuthorization("host;x-amz-content-sha256;x-amz-date",
                                  "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
}

TEST(SigV4Test, ListObjectsExample) {
  const SigV4Request request{
      "GET",
      "/",
      "max-keys=2&prefix=J",
      {{"Host", "examplebucket.s3.amazonaws.com"}, {"x-amz-content-sha256", std::string(kEmptySha256)}},
      kEmptySha256};
  EXPECT_EQ(Authorization(request),
            ExpectedAuthorization("host;x-amz-content-sha256;x-amz-date",
                                  "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
}

TEST(SigV4Test, HeaderNamesAndSpacesAreCanonicalised) {
  const auto sign = [](net::Headers headers) {
    return Find(SignV4({"GET", "/k", "", std::move(headers), kEmptySha256}, kExampleKey, kExampleTime),
                "Authorization");
  };
  const std::string canonical = sign({{"host", "h"}, {"x-amz-meta-a", "one two"}});
  EXPECT_EQ(sign({{"HOST", "h"}, {"X-Amz-Meta-A", "  one   two "}}), canonical);
  EXPECT_EQ(sign({{"x-amz-meta-a", "one two"}, {"host", "h"}}), canonical);  // order does not matter
  EXPECT_NE(sign({{"host", "h"}, {"x-amz-meta-a", "one  three"}}), canonical);
}

TEST(SigV4Test, EverythingSignedChangesTheSignature) {
  const SigV4Request base{"GET", "/k", "a=1", {{"host", "h"}}, kEmptySha256};
  const std::string signature = Find(SignV4(base, kExampleKey, kExampleTime), "Authorization");
  SigV4Request other = base;
  other.method = "PUT";
  EXPECT_NE(Find(SignV4(other, kExampleKey, kExampleTime), "Authorization"), signature);
  other = base;
  other.path = "/j";
  EXPECT_NE(Find(SignV4(other, kExampleKey, kExampleTime), "Authorization"), signature);
  other = base;
  other.query = "a=2";
  EXPECT_NE(Find(SignV4(other, kExampleKey, kExampleTime), "Authorization"), signature);
  EXPECT_NE(Find(SignV4(base, kExampleKey, kExampleTime + 1s), "Authorization"), signature);
  EXPECT_NE(Find(SignV4(base, {kExampleKeyId, "other", "us-east-1", "s3"}, kExampleTime), "Authorization"), signature);
  EXPECT_NE(Find(SignV4(base, {kExampleKeyId, kExampleSecret, "eu-west-1", "s3"}, kExampleTime), "Authorization"),
            signature);
}

TEST(UriEncodeTest, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("AZaz09-_.~", false), "AZaz09-_.~");
  EXPECT_EQ(UriEncode("a/b c+d=e&f", false), "a%2Fb%20c%2Bd%3De%26f");
  EXPECT_EQ(UriEncode("a/b c", true), "a/b%20c");
  EXPECT_EQ(UriEncode("\xC3\xA9\xFF", false), "%C3%A9%FF");
}

}  // namespace
}  // namespace faceloop::storage
