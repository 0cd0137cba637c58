// `faceloop serve`: the HTTP service. SIGTERM/SIGINT stop it gracefully: no new connections,
// in-flight requests finish.
#include <fcntl.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX sigaction; <csignal> need not declare it
#include <unistd.h>

#include <cerrno>

#include <iostream>
#include <optional>
#include <thread>

#include "cli/service_commands.hpp"
#include "common/error.hpp"
#include "service/app.hpp"
#include "telemetry/log.hpp"

namespace faceloop::cli {
namespace {

struct ServeFlags {
  std::string listen;
  std::string data_dir;
  std::string models_dir;
  std::string config_file;
};

std::optional<std::string> NonEmpty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

/// Write end of the self-pipe the signal handler wakes the stopper thread through. A handler (not a
/// blocked mask + sigwait) because libraries start threads before main, which a mask would miss.
int g_stop_pipe = -1;

void OnStopSignal(int /*signal*/) {
  const char byte = 1;
  [[maybe_unused]] const ssize_t written = ::write(g_stop_pipe, &byte, 1);  // async-signal-safe
}

int Serve(const ServeFlags& flags) {
  const service::Config config = service::ResolveConfig(service::ConfigFlags{
      NonEmpty(flags.listen), NonEmpty(flags.data_dir), NonEmpty(flags.models_dir), NonEmpty(flags.config_file)});
  telemetry::ConfigureLogging(
      {telemetry::ParseLogLevel(config.log.level), telemetry::ParseLogFormat(config.log.format)});
  service::App app(config);
  const int port = app.Bind();

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error(ErrorCode::kInternal, "cannot create the stop pipe");
  g_stop_pipe = fds[1];
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  std::thread stopper([&app, read_fd = fds[0]] {
    char byte = 0;
    while (::read(read_fd, &byte, 1) < 0 && errno == EINTR) {
    }
    app.Stop();
  });

  std::cout << "listening on http://" << config.host << ":" << port << std::endl;
  app.Listen();
  OnStopSignal(0);  // Listen can also return on its own (socket error): release the stopper
  stopper.join();
  return 0;
}

}  // namespace

Action RegisterServe(CLI::App& app) {
  CLI::App* command = app.add_subcommand("serve", "run the HTTP service");
  auto flags = std::make_shared<ServeFlags>();
  command->add_option("--listen", flags->listen,
                      "HOST:PORT to listen on (port 0: any free port; default 127.0.0.1:8080)");
  command->add_option("--data-dir", flags->data_dir, "folder for the database, images and pepper (default ./data)");
  command->add_option("--models-dir", flags->models_dir, "node_modules folder holding the weight packages");
  command->add_option("--config", flags->config_file, "TOML configuration file");
  return [flags] { return Serve(*flags); };
}

}  // namespace faceloop::cli
