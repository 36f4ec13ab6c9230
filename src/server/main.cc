// otter-server: the Image repository, Director, treehub, device gateway and
// admin API in one process. See docs/server.md.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "api/tokens.h"
#include "server/config.h"
#include "server/server.h"

namespace {

using otter::server::ServerConfig;

struct Options {
  std::string config_file;
  std::string data_dir;
  std::string token_name;
  std::string token_id;
};

otter::Result<ServerConfig> EffectiveConfig(const Options& options) {
  ServerConfig config;
  if (!options.config_file.empty()) {
    OTTER_ASSIGN(config, otter::server::LoadConfig(options.config_file));
  }
  if (!options.data_dir.empty()) config.data_dir = options.data_dir;
  return config;
}

// Blocks SIGTERM and SIGINT in every thread, so that main can wait for them.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int Run(const ServerConfig& config) {
  const sigset_t signals = BlockStopSignals();
  auto server = otter::server::Server::Start(config);
  if (!server.ok()) {
    spdlog::critical("otter-server: {}", server.error().message());
    return 1;
  }
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("otter-server: {} received, stopping", received == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->Stop();
  spdlog::info("otter-server: stopped");
  return 0;
}

int TokenCommand(const ServerConfig& config, const Options& options, std::string_view action) {
  auto database = otter::server::OpenDatabase(config);
  if (!database.ok()) {
    std::cerr << "otter-server: " << database.error().message() << "\n";
    return 1;
  }
  otter::api::TokenStore tokens(*database);
  const otter::TimePoint now = otter::SystemClock().Now();
  if (action == "create") {
    auto token = tokens.Create(options.token_name, now);
    if (!token.ok()) {
      std::cerr << "otter-server: " << token.error().message() << "\n";
      return 1;
    }
    std::cout << token->secret << "\n";
    std::cerr << "token " << token->info.id << " (" << token->info.name
              << ") created; the secret above is shown only once\n";
    return 0;
  }
  if (action == "revoke") {
    const otter::Status revoked = tokens.Revoke(options.token_id);
    if (!revoked.ok()) std::cerr << "otter-server: " << revoked.error().message() << "\n";
    return revoked.ok() ? 0 : 1;
  }
  auto list = tokens.List();
  if (!list.ok()) {
    std::cerr << "otter-server: " << list.error().message() << "\n";
    return 1;
  }
  for (const auto& token : *list) {
    std::cout << token.id << "  " << otter::FormatTime(token.created_at) << "  "
              << (token.revoked ? "revoked" : "active ") << "  " << token.name << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"otter-server: OTA update server (Image repository, Director, treehub, gateway)"};
  Options options;
  app.add_option("--config", options.config_file, "server.toml (every key optional)")
      ->check(CLI::ExistingFile);
  app.add_option("--data", options.data_dir, "data folder (overrides data_dir)");
  app.require_subcommand(0, 1);
  app.add_subcommand("run", "run the server (the default)");
  CLI::App* token = app.add_subcommand("token", "manage admin API tokens");
  token->require_subcommand(1);
  token->add_subcommand("create", "create a token and print its secret")
      ->add_option("name", options.token_name, "what the token is for")
      ->required();
  token->add_subcommand("list", "list tokens");
  token->add_subcommand("revoke", "revoke a token")
      ->add_option("id", options.token_id, "the token's id (see list)")
      ->required();
  CLI11_PARSE(app, argc, argv);

  auto config = EffectiveConfig(options);
  if (!config.ok()) {
    std::cerr << "otter-server: " << config.error().message() << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  if (token->parsed()) {
    return TokenCommand(*config, options, token->get_subcommands().front()->get_name());
  }
  return Run(*config);
}
