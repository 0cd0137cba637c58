#pragma once
// A deterministic uniform sample of the request records, for the insights that cannot be
// aggregated from the rollups (correlations rank every pair; outliers score every record): each
// record's `sample_key` column holds a bucket in [0, kSampleBuckets) derived from a hash of its
// id, written with the record (RequestStore::Insert; `faceloop insights rebuild` fills older rows).
// The records of buckets 0..k-1 are a uniform sample of about k / kSampleBuckets of any window,
// the same records every time, and a larger k only adds records. The index (sample_key,
// received_at) lets the database seek each bucket's slice of the window: a sample costs the rows
// it returns, not the window's.
#include <cstdint>
#include <string>
#include <string_view>

namespace faceloop::requests {

inline constexpr std::int64_t kSampleBuckets = 1024;

/// The record's bucket: a 64-bit FNV-1a hash of its id, mixed (SplitMix64's finaliser, so that
/// ids differing in their last characters spread over all buckets), modulo kSampleBuckets.
std::int64_t SampleKey(std::string_view request_id);

/// How much of a window to read so that about `cap` of its `total` records come back: every
/// record (buckets = kSampleBuckets, exact) when total <= cap, else the first
/// ceil(cap * kSampleBuckets / total) buckets (at least one).
struct SamplePlan {
  std::int64_t buckets = kSampleBuckets;
  bool exact() const { return buckets >= kSampleBuckets; }
  /// The share of the window's records the plan reads: buckets / kSampleBuckets.
  double fraction() const { return static_cast<double>(buckets) / static_cast<double>(kSampleBuckets); }
};
SamplePlan PlanSample(std::int64_t total, std::int64_t cap);

/// " AND sample_key IN (0, 1, ..., buckets - 1)", or "" for an exact plan (which also reads records
/// stored without a key). A list, not `sample_key < k`: both databases seek each bucket's slice of
/// the time range through the index, where a range on the first column would scan k buckets' worth
/// of the whole table.
std::string SampleCondition(const SamplePlan& plan);

}  // namespace faceloop::requests
