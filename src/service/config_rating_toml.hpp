#pragma once
// The TOML half of config_rating.hpp, for config.cpp only (keeps toml++ out of config.hpp).
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "service/config_rating.hpp"

namespace faceloop::service {

/// The [rating] / [datasets] tables: unknown keys appended to `unknown` ("rating.x"), wrong types
/// Error(kBadRequest) naming the key.
void ApplyRatingToml(RatingConfig& config, const toml::table& table, std::vector<std::string>& unknown);
void ApplyDatasetsToml(DatasetsConfig& config, const toml::table& table, std::vector<std::string>& unknown);

}  // namespace faceloop::service
