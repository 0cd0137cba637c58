// `faceloop feedback-token --request ID`: mints the signed one-time link token with which the
// request's owner can give feedback without a key (POST /v1/requests/{id}/feedback). For admins
// and tests; the rating e-mail will mint its tokens through feedback::TokenSigner the same way.
#include <chrono>
#include <iostream>
#include <memory>

#include "accounts/pepper.hpp"
#include "cli/service_commands.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "db/open.hpp"
#include "feedback/token.hpp"
#include "requests/store.hpp"
#include "service/config.hpp"

namespace faceloop::cli {
namespace {

constexpr std::int64_t kWeekSeconds = 7 * 24 * 3600;

struct FeedbackTokenFlags {
  std::string request_id;
  std::int64_t ttl_seconds = kWeekSeconds;
  std::string data_dir;
  std::string config_file;
};

int MintToken(const FeedbackTokenFlags& flags) {
  if (flags.ttl_seconds < 1) throw Error(ErrorCode::kBadRequest, "--ttl-seconds must be at least 1");
  service::ConfigFlags config_flags;
  if (!flags.data_dir.empty()) config_flags.data_dir = flags.data_dir;
  if (!flags.config_file.empty()) config_flags.config_file = flags.config_file;
  const service::Config config = service::ResolveConfig(config_flags);
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  // The token stands for the request's owner: the one the rating e-mail goes to.
  const auto record = requests::RequestStore(*database).Find(flags.request_id);
  if (!record) throw Error(ErrorCode::kNotFound, "no request " + flags.request_id + " in the database");
  const feedback::TokenSigner signer(accounts::LoadOrCreatePepper(service::PepperPath(config)));
  const auto expires_at = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
                          std::chrono::seconds(flags.ttl_seconds);
  std::cout << signer.Mint(record->request_id, record->user_id, expires_at) << "\n";
  std::cerr << "for user " << record->user_id << ", valid until " << FormatTimestamp(expires_at) << "\n";
  return 0;
}

}  // namespace

Action RegisterFeedbackToken(CLI::App& app) {
  CLI::App* command =
      app.add_subcommand("feedback-token", "print a one-time feedback token for a request's owner (e-mail links)");
  auto flags = std::make_shared<FeedbackTokenFlags>();
  command->add_option("--request", flags->request_id, "request id")->required();
  command->add_option("--ttl-seconds", flags->ttl_seconds, "how long the token is valid")->capture_default_str();
  command->add_option("--data-dir", flags->data_dir, "data folder of the service (default ./data)");
  command->add_option("--config", flags->config_file, "TOML configuration file");
  return [flags] { return MintToken(*flags); };
}

}  // namespace faceloop::cli
