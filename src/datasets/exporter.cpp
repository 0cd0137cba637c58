#include "datasets/exporter.hpp"

#include <map>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "backup/manifest.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "datasets/dedup.hpp"
#include "datasets/export_store.hpp"
#include "datasets/formats/writer.hpp"
#include "datasets/output.hpp"
#include "requests/store.hpp"

namespace faceloop::datasets {
namespace {

/// export_items rows are written in transactions of this many.
constexpr std::size_t kItemBatch = 500;

std::string Extension(const requests::RequestRecord& record) {
  const std::string format = record.image.value("format", std::string("jpeg"));
  if (format == "png") return "png";
  if (format == "webp") return "webp";
  return "jpg";
}

ExportItem ItemOf(const requests::RequestRecord& record, const std::string& file_name) {
  ExportItem item{record.request_id,
                  file_name,
                  record.image.value("width", 0),
                  record.image.value("height", 0),
                  record.model_version.value_or(record.model_name),
                  {}};
  for (const auto& face : record.faces) {
    const auto& box = face.value("box", nlohmann::json::object());
    item.boxes.push_back({box.value("x", 0.0), box.value("y", 0.0), box.value("width", 0.0), box.value("height", 0.0),
                          face.value("confidence", 0.0)});
  }
  return item;
}

/// A picked request, remembered by a 64-bit hash of its id rather than the id (a quarter of the
/// memory): two ids of one export colliding is a chance of about n^2 / 2^65, 3e-10 at 100 k.
std::uint64_t IdKey(const std::string& request_id) { return std::hash<std::string>{}(request_id); }

/// The state of one export while it runs: what was kept, and why the rest was not.
class Run {
 public:
  Run(const ExportContext& context, const ExportParams& params, const std::string& export_id,
      const std::filesystem::path& stage)
      : context_(context),
        params_(params),
        export_id_(export_id),
        stage_(stage),
        writer_(MakeWriter(params.format, stage)),
        near_(params.near_distance) {}

  void Strategy(const datasets::Strategy& strategy, const std::string& consent_sql,
                std::chrono::system_clock::time_point now) {
    const std::string name(ToString(strategy.kind));
    const std::int64_t quota = strategy.limit > 0 ? strategy.limit : params_.limit;
    std::int64_t& taken = counts_[name];
    taken = 0;
    ForEachCandidate(context_.database, params_, strategy, consent_sql, now, [&](const Candidate& candidate) {
      if (total_ >= params_.limit || taken >= quota) return Verdict::kStop;
      const Verdict verdict = Consider(candidate);
      if (verdict == Verdict::kTaken) ++taken;
      return verdict;
    });
  }

  /// Completes the format's files and the item rows; the manifest's counts.
  nlohmann::json Finish() {
    writer_->Finish();
    FlushItems();
    nlohmann::json strategies = nlohmann::json::object();
    for (const auto& [name, count] : counts_) strategies[name] = count;
    return {{"images", total_}, {"per_strategy", strategies}, {"dropped", dropped_}};
  }

  std::int64_t total() const { return total_; }

 private:
  Verdict Consider(const Candidate& candidate) {
    if (picked_.contains(IdKey(candidate.request_id))) return Drop("picked_by_earlier_strategy");
    if (params_.per_user && per_user_[candidate.user_id] >= *params_.per_user) return Drop("per_user_cap");
    requests::RequestStore store(context_.database);
    const auto record = store.Find(candidate.request_id);
    if (!record || !record->image_key) return Drop("missing_record");  // purged meanwhile
    const auto bytes = context_.images.Get(*record->image_key);
    if (!bytes) return Drop("missing_image");
    if (content_.SeenOrAdd(backup::Sha256Hex(*bytes))) return Drop("duplicate");
    std::uint64_t hash = 0;
    try {
      hash = DifferenceHash(*bytes);
    } catch (const Error&) {
      return Drop("undecodable");
    }
    if (near_.SeenOrAdd(hash)) return Drop("near_duplicate");
    const std::string file_name = "images/" + record->request_id + "." + Extension(*record);
    OutputFile image(stage_ / file_name);
    image.Write(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
    image.Close();
    writer_->Add(ItemOf(*record, file_name));
    picked_.insert(IdKey(candidate.request_id));
    ++per_user_[candidate.user_id];
    ++total_;
    items_.push_back({candidate.request_id, candidate.user_id});
    if (items_.size() >= kItemBatch) FlushItems();
    return Verdict::kTaken;
  }

  Verdict Drop(const char* why) {
    dropped_[why] = dropped_.value(why, 0) + 1;
    return Verdict::kSkipped;
  }

  void FlushItems() {
    if (items_.empty()) return;
    context_.database.Transaction([&](db::IDatabase& tx) { ExportStore::AddItems(tx, export_id_, items_); });
    items_.clear();
  }

  const ExportContext& context_;
  const ExportParams& params_;
  const std::string& export_id_;
  std::filesystem::path stage_;
  std::unique_ptr<IFormatWriter> writer_;
  ContentIndex content_;
  NearDuplicateIndex near_;
  std::unordered_set<std::uint64_t> picked_;  ///< IdKey of every picked request
  std::unordered_map<std::string, std::int64_t> per_user_;
  std::map<std::string, std::int64_t> counts_;
  nlohmann::json dropped_ = nlohmann::json::object();
  std::vector<ExportItemRow> items_;
  std::int64_t total_ = 0;
};

}  // namespace

ExportOutcome RunExport(const ExportContext& context, const ExportParams& params, const std::string& export_id,
                        std::chrono::system_clock::time_point now) {
  CheckDestination(params.to);
  ExportOutput output(params.to, export_id, context.env);
  std::filesystem::create_directories(output.stage() / "images");
  Run run(context, params, export_id, output.stage());
  const std::string consent_sql = ConsentCondition(context.consent);
  for (const Strategy& strategy : params.strategies) run.Strategy(strategy, consent_sql, now);
  ExportOutcome outcome;
  outcome.counts = run.Finish();
  outcome.images = run.total();
  outcome.location = params.to;
  nlohmann::json manifest = {{"export_id", export_id},
                             {"created_at", FormatTimestamp(now)},
                             {"format", ToString(params.format)},
                             {"params", ToJson(params)},
                             {"counts", outcome.counts},
                             {"boxes", "the model's predictions (pre-annotations), not ground truth"}};
  outcome.counts["files"] = output.Commit(manifest);
  return outcome;
}

}  // namespace faceloop::datasets
