#pragma once
// multipart/form-data bodies (RFC 7578): the parts of an upload, as views into the body.
#include <cstddef>
#include <string_view>
#include <vector>

namespace faceloop::http {

struct FormPart {
  std::string_view name;          ///< from Content-Disposition
  std::string_view filename;      ///< "" when absent
  std::string_view content_type;  ///< "" when absent
  std::string_view body;
};

struct MultipartLimits {
  std::size_t max_parts = 32;
  std::size_t max_part_header_bytes = 8192;
};

/// The boundary parameter of a multipart/form-data Content-Type, or "" when it is not one.
std::string_view MultipartBoundary(std::string_view content_type);

/// The parts of `body`. Throws Error(kBadRequest) naming what is malformed (missing boundary
/// lines, unterminated part headers, a part without a name, too many parts).
std::vector<FormPart> ParseMultipart(std::string_view body, std::string_view boundary,
                                     const MultipartLimits& limits = {});

}  // namespace faceloop::http
