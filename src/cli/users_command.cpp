// `faceloop users create`: creates a user (e.g. the first admin) directly in the data folder and
// prints an API key for it.
#include <iostream>

#include "accounts/account_service.hpp"
#include "accounts/pepper.hpp"
#include "cli/service_commands.hpp"
#include "db/open.hpp"
#include "service/config.hpp"

namespace faceloop::cli {
namespace {

struct UsersFlags {
  std::string email;
  std::string role = "user";
  std::string name;
  std::string data_dir;
  std::string config_file;
};

int CreateUser(const UsersFlags& flags) {
  service::ConfigFlags config_flags;
  if (!flags.data_dir.empty()) config_flags.data_dir = flags.data_dir;
  if (!flags.config_file.empty()) config_flags.config_file = flags.config_file;
  const service::Config config = service::ResolveConfig(config_flags);
  const accounts::Crypto crypto(accounts::LoadOrCreatePepper(service::PepperPath(config)));
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  accounts::AccountService service(*database, crypto);
  const accounts::User user = service.CreateUser(flags.email, accounts::ParseRole(flags.role), flags.name);
  const accounts::NewKey key = service.CreateKey(user.id, "default");
  std::cout << "user " << user.id << " <" << user.email << "> role " << accounts::RoleName(user.role) << "\n"
            << "api key (shown once): " << key.secret << "\n";
  return 0;
}

}  // namespace

Action RegisterUsers(CLI::App& app) {
  CLI::App* users = app.add_subcommand("users", "manage users");
  users->require_subcommand(1);
  CLI::App* create = users->add_subcommand("create", "create a user and print an API key for it");
  auto flags = std::make_shared<UsersFlags>();
  create->add_option("--email", flags->email, "email address")->required();
  create->add_option("--role", flags->role, "user, analyst or admin")->capture_default_str();
  create->add_option("--name", flags->name, "display name");
  create->add_option("--data-dir", flags->data_dir, "data folder of the service (default ./data)");
  create->add_option("--config", flags->config_file, "TOML configuration file");
  return [flags] { return CreateUser(*flags); };
}

}  // namespace faceloop::cli
