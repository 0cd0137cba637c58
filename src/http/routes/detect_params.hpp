#pragma once
// What a detect request asks for: its query parameters and its image bytes (raw body or multipart).
#include <string>
#include <string_view>
#include <vector>

#include "detect/detector.hpp"
#include "http/server/message.hpp"

namespace faceloop::http {

struct DetectParams {
  std::string model;
  detect::DetectOptions options;
};

/// min_confidence, max_faces, tiling, mode, model; Error(kUnprocessable) naming a bad one. `models` are the
/// names a request may choose.
DetectParams ParseDetectParams(const Request& req, const std::string& default_model,
                               const std::vector<std::string>& models);

/// The image: the multipart field `image`, or the raw body with an image content type.
std::string_view ImageBytes(const Request& req);

/// The images of a batch: every multipart field named `image` (or `images`), in order; at most
/// `max_images`, else Error(kPayloadTooLarge).
std::vector<std::string_view> BatchImages(const Request& req, std::size_t max_images);

}  // namespace faceloop::http
