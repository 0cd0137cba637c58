#include "requests/sample.hpp"

namespace faceloop::requests {

std::int64_t SampleKey(std::string_view request_id) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a offset basis
  for (const char c : request_id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;  // FNV prime
  }
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebULL;
  hash ^= hash >> 31;
  return static_cast<std::int64_t>(hash % static_cast<std::uint64_t>(kSampleBuckets));
}

SamplePlan PlanSample(std::int64_t total, std::int64_t cap) {
  if (cap <= 0 || total <= cap) return {};
  const std::int64_t buckets = (cap * kSampleBuckets + total - 1) / total;
  return {buckets < 1 ? 1 : buckets};
}

std::string SampleCondition(const SamplePlan& plan) {
  if (plan.exact()) return "";
  std::string list;
  for (std::int64_t bucket = 0; bucket < plan.buckets; ++bucket) {
    list += (bucket == 0 ? "" : ", ") + std::to_string(bucket);
  }
  return " AND sample_key IN (" + list + ")";
}

}  // namespace faceloop::requests
