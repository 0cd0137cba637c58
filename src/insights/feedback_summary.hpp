#pragma once
// GET /v1/insights/feedback and `faceloop insights feedback`: per time bucket and model version,
// how many feedbacks said correct, partly correct and incorrect (counts and shares) and the mean
// rating. Counted in the database (feedback/tally.hpp); windows and buckets as the summary's.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/database.hpp"
#include "feedback/feedback.hpp"
#include "insights/query.hpp"

namespace faceloop::insights {

/// The verdicts in the answer's order (the index of a count in FeedbackSlice::verdicts).
inline constexpr std::array<feedback::Verdict, 3> kVerdicts = {
    feedback::Verdict::kCorrect, feedback::Verdict::kPartlyCorrect, feedback::Verdict::kIncorrect};

struct FeedbackSlice {
  std::array<std::int64_t, kVerdicts.size()> verdicts{};
  std::int64_t ratings = 0;
  std::int64_t rating_sum = 0;

  std::int64_t Total() const;
  std::optional<double> MeanRating() const;
  void Merge(const FeedbackSlice& other);
};

struct FeedbackBucket {
  Time start;  ///< the bucket's start, or the window's where it starts later
  Time end;
  FeedbackSlice all;
  std::map<std::pair<std::string, std::string>, FeedbackSlice> models;  ///< by (name, version)
};

struct FeedbackSummary {
  SummaryQuery query;
  std::vector<FeedbackBucket> buckets;  ///< every bucket of the window, empty ones included
  FeedbackBucket total;
};

FeedbackSummary SummarizeFeedback(db::IDatabase& database, const SummaryQuery& query);

nlohmann::json ToJson(const FeedbackSummary& summary);
std::string ToTable(const FeedbackSummary& summary);

}  // namespace faceloop::insights
