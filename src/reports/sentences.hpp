#pragma once
// Findings in words for the report and its e-mail: "confidence is lower for low-contrast images:
// Spearman 0.41, n = 12,304". Pure functions (tests/reports/sentences_test.cpp).
#include <cstdint>
#include <string>
#include <string_view>

namespace faceloop::reports {

/// `n` with thousands separators: 12304 -> "12,304".
std::string GroupThousands(std::int64_t n);

/// One sentence for a correlation of `target` (confidence_max, confidence_mean, face_count) with
/// the metadata `field` (image.contrast, ...). It says where the target is lower: for a positive
/// rho at the field's low end, for a negative one at its high end.
std::string CorrelationSentence(std::string_view field, std::string_view target, double spearman, std::int64_t n);

}  // namespace faceloop::reports
