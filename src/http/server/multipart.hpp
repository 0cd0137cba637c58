#pragma once
// multipart/form-data (RFC 7578 over RFC 2046 §5.1): the parts of an uploaded form, each a view into
// the request body (no copies of what may be a 20 MB image). Strict: anything malformed is
// Error(kBadRequest) naming the defect. Named FormData* so it cannot collide with the interim parser
// in src/http/multipart.hpp (same namespace) while both exist.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http/server/message.hpp"

namespace faceloop::http {

struct FormDataPart {
  std::string name;          ///< Content-Disposition: form-data; name="..."
  std::string filename;      ///< its filename="...", or "" when the part is not a file
  std::string content_type;  ///< the part's Content-Type, or "" (RFC 7578: then text/plain)
  std::string_view body;     ///< points into the body that was parsed: keep that alive
};

struct FormDataLimits {
  std::size_t max_parts = 32;
  /// All header lines of one part together.
  std::size_t max_part_header_bytes = 4096;
};

/// The boundary of a multipart/form-data Content-Type value. Throws Error(kUnsupportedMediaType) for
/// another media type, Error(kBadRequest) for a missing or invalid boundary (RFC 2046: 1 to 70
/// characters from a fixed set, not ending in a space).
std::string FormDataBoundary(std::string_view content_type);

/// The parts of `body`, in order; preamble and epilogue are ignored. Throws Error(kBadRequest).
std::vector<FormDataPart> ParseFormData(std::string_view body, std::string_view boundary,
                                        const FormDataLimits& limits = {});

/// ParseFormData of request.body with the boundary of its Content-Type.
std::vector<FormDataPart> ParseFormData(const Request& request, const FormDataLimits& limits = {});

/// The first part called `name`, or nullptr.
const FormDataPart* FindPart(const std::vector<FormDataPart>& parts, std::string_view name);

}  // namespace faceloop::http
