#include "service/config_rating.hpp"

#include "service/config_rating_toml.hpp"
#include "service/config_table.hpp"

namespace faceloop::service {

void ApplyRatingToml(RatingConfig& config, const toml::table& table, std::vector<std::string>& unknown) {
  config_table::ApplyTable(config, table, "rating.", unknown);
}

void ApplyDatasetsToml(DatasetsConfig& config, const toml::table& table, std::vector<std::string>& unknown) {
  config_table::ApplyTable(config, table, "datasets.", unknown);
}

void ApplyRatingEnvironment(RatingConfig& rating, DatasetsConfig& datasets,
                            const std::function<std::optional<std::string>(const char*)>& env) {
  config_table::ApplyEnv(rating, "FACELOOP_RATING_", env);
  config_table::ApplyEnv(datasets, "FACELOOP_DATASETS_", env);
}

void ValidateRating(const RatingConfig& rating) {
  // Bounded above so that a period and a link's lifetime stay sensible and far from overflow.
  const struct {
    const char* name;
    int value;
    int max;
  } ranges[] = {{"rating.period_days", rating.period_days, 366},
                {"rating.predictions", rating.predictions, 20},
                {"rating.link_ttl_days", rating.link_ttl_days, 366}};
  for (const auto& range : ranges) {
    if (range.value < 1 || range.value > range.max) {
      config_table::Fail(std::string("config: ") + range.name + " must be within 1.." + std::to_string(range.max));
    }
  }
}

}  // namespace faceloop::service
