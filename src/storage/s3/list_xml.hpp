#pragma once
// The XML that S3 answers with: ListObjectsV2 pages and the <Code> of error answers. Parsers of
// bytes from the network: fuzzed (fuzz/s3_list_fuzzer.cpp).
#include <string>
#include <string_view>
#include <vector>

namespace faceloop::storage {

/// One page of a ListObjectsV2 answer: the full object names (XML-unescaped) and the continuation
/// token, "" on the last page.
struct S3ListPage {
  std::vector<std::string> keys;
  std::string next_token;
};

/// Parses a ListObjectsV2 answer body. Throws Error(kInternal) on malformed XML or a truncated page
/// without a token.
S3ListPage ParseListObjectsV2(std::string_view xml);

/// The <Code> of an S3 error answer ("NoSuchBucket", "SlowDown", ...), "" when there is none or it
/// is not a plain name. Never throws: a proxy's HTML error page must not hide the status behind an
/// XML error.
std::string S3ErrorCode(std::string_view body);

}  // namespace faceloop::storage
