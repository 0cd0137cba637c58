#pragma once
// The [rating] and [datasets] tables of the configuration: the rating e-mail (docs/operations.md)
// and the per-user preferences' defaults (accounts/preferences.hpp). Kept apart from config.cpp's
// tables like config_schedules.hpp; each struct's ForEachKey is the one list of its keys (TOML
// names; FACELOOP_RATING_<KEY> and FACELOOP_DATASETS_<KEY> derive from them).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faceloop::service {

struct RatingConfig {
  bool enabled = true;     ///< the job runs only with mail configured ([smtp] url) as well
  int period_days = 7;     ///< at most one rating e-mail per user per period
  int predictions = 3;     ///< recent requests listed in one e-mail
  int link_ttl_days = 14;  ///< how long the e-mail's feedback and opt-out links work

  template <typename Self, typename Visit>
  static void ForEachKey(Self& self, Visit&& visit) {
    visit(std::string_view("enabled"), self.enabled);
    visit(std::string_view("period_days"), self.period_days);
    visit(std::string_view("predictions"), self.predictions);
    visit(std::string_view("link_ttl_days"), self.link_ttl_days);
  }
};

struct DatasetsConfig {
  /// Whether a user who never chose allows training use of their requests. An operator who needs
  /// opt-in consent sets false: then only users who said yes are exported.
  bool training_use_default = true;

  template <typename Self, typename Visit>
  static void ForEachKey(Self& self, Visit&& visit) {
    visit(std::string_view("training_use_default"), self.training_use_default);
  }
};

/// FACELOOP_RATING_<KEY> and FACELOOP_DATASETS_<KEY>.
void ApplyRatingEnvironment(RatingConfig& rating, DatasetsConfig& datasets,
                            const std::function<std::optional<std::string>(const char*)>& env);

/// Ranges: period_days 1..366, predictions 1..20, link_ttl_days 1..366. Error(kBadRequest) naming the key.
void ValidateRating(const RatingConfig& rating);

}  // namespace faceloop::service
