#pragma once
// GET /v1/requests/{id}/annotated: the stored input with the record's faces drawn on it (boxes,
// the five landmarks, each face's confidence), made on demand and never stored.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace faceloop::reports {

enum class AnnotatedFormat { kPng, kJpeg };

/// The format an Accept header asks for: image/jpeg or image/png, the client's highest q first
/// (its order on ties); image/* and */* (or no header) get JPEG. nullopt when it accepts neither.
std::optional<AnnotatedFormat> NegotiateAnnotatedFormat(std::string_view accept);

/// Decodes `image` (the stored input: JPEG, PNG or WebP), draws `faces` (the record's faces as the
/// API returns them: box {x, y, width, height} in upright original pixels, confidence, landmarks
/// [{type, x, y}]) and encodes the result. Faces without a usable box are skipped. Throws the
/// decoder's Error for bytes it cannot decode, Error(kInternal) when drawing or encoding fails.
/// With `max_side` > 0 the result is scaled down (never up) to fit that many pixels on its long side:
/// the rating e-mail's thumbnails.
std::string AnnotateImage(std::span<const std::uint8_t> image, const nlohmann::json& faces, AnnotatedFormat format,
                          int max_side = 0);

}  // namespace faceloop::reports
