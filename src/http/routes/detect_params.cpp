#include "http/routes/detect_params.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/error.hpp"
#include "common/number_text.hpp"
#include "http/routes/query_params.hpp"
#include "http/server/multipart.hpp"

namespace faceloop::http {
namespace {

double ParseNumber(const std::string& name, const std::string& text) {
  const std::optional<double> value = ParseFiniteNumber(text);
  if (!value) BadQueryParam(name, "must be a number");
  return *value;
}

bool IsFormData(std::string_view content_type) {
  const std::string_view type = content_type.substr(0, content_type.find(';'));
  std::string lower(type);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("multipart/form-data") != std::string::npos;
}

}  // namespace

DetectParams ParseDetectParams(const Request& req, const std::string& default_model,
                               const std::vector<std::string>& models) {
  DetectParams params{default_model, {}};
  if (req.HasParam("min_confidence")) {
    const double value = ParseNumber("min_confidence", req.Param("min_confidence"));
    if (value < 0 || value > 1) BadQueryParam("min_confidence", "must be within 0..1");
    params.options.min_confidence = static_cast<float>(value);
  }
  if (req.HasParam("max_faces")) {
    const std::string text = req.Param("max_faces");
    int value = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
      BadQueryParam("max_faces", "must be an integer >= 0");
    }
    params.options.max_faces = value;
  }
  if (req.HasParam("tiling")) {
    const std::string text = req.Param("tiling");
    if (text != "true" && text != "false" && text != "1" && text != "0") {
      BadQueryParam("tiling", "must be true or false");
    }
    params.options.multiscale = text == "true" || text == "1";
  }
  if (req.HasParam("mode")) {
    try {
      params.options.mode = detect::ParseMode(req.Param("mode"));
    } catch (const Error&) {
      BadQueryParam("mode", "must be fast, accurate or crowd");
    }
  }
  if (req.HasParam("model")) {
    params.model = req.Param("model");
    // Only built-in names: "onnx:<path>" would let a client make the server read arbitrary files.
    if (std::find(models.begin(), models.end(), params.model) == models.end()) {
      BadQueryParam("model", "names no known model");
    }
  }
  return params;
}

std::string_view ImageBytes(const Request& req) {
  const std::string_view content_type = req.Header("Content-Type");
  if (IsFormData(content_type)) {
    const std::vector<FormDataPart> parts = ParseFormData(req);
    const FormDataPart* image = FindPart(parts, "image");
    if (image == nullptr) throw Error(ErrorCode::kUnprocessable, "multipart body needs a field named image");
    if (image->body.empty()) throw Error(ErrorCode::kBadRequest, "the image field is empty");
    return image->body;
  }
  if (req.body.empty()) throw Error(ErrorCode::kBadRequest, "request body is empty; send an image");
  const std::string_view type = content_type.substr(0, content_type.find(';'));
  if (type != "image/jpeg" && type != "image/png" && type != "image/webp" && type != "application/octet-stream") {
    throw Error(ErrorCode::kUnsupportedMediaType, "send image/jpeg, image/png or image/webp, or multipart field image");
  }
  return req.body;
}

std::vector<std::string_view> BatchImages(const Request& req, std::size_t max_images) {
  if (!IsFormData(req.Header("Content-Type"))) {
    throw Error(ErrorCode::kUnsupportedMediaType, "a batch is multipart/form-data with one field per image");
  }
  std::vector<std::string_view> images;
  for (const FormDataPart& part : ParseFormData(req, FormDataLimits{std::max<std::size_t>(64, 2 * max_images), 4096})) {
    if (part.name == "image" || part.name == "images") images.push_back(part.body);
  }
  if (images.empty()) throw Error(ErrorCode::kUnprocessable, "a batch needs at least one field named image");
  if (images.size() > max_images) {
    throw Error(ErrorCode::kPayloadTooLarge, "a batch holds at most " + std::to_string(max_images) + " images, not " +
                                                 std::to_string(images.size()));
  }
  return images;
}

}  // namespace faceloop::http
