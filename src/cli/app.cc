#include "cli/app.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/command_context.h"
#include "cli/errors.h"

namespace otter::cli {
namespace {

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  app.add_option("--server", options.server_url, "admin API URL")
      ->envname("OTTER_SERVER")
      ->capture_default_str();
  app.add_option("--token-file", options.token_file,
                 "file holding the admin API token (else $OTTER_TOKEN)")
      ->envname("OTTER_TOKEN_FILE");
  app.add_option("--ca", options.ca_file, "CA certificate (PEM) to verify the server")
      ->envname("OTTER_CA");
  app.add_flag("--json", options.json, "machine-readable JSON output");
}

int ExitCode(const Status& status, const Context& context) {
  if (status) return kExitOk;
  context.err << "otter: " << status.error().message() << "\n";
  return status.error().Is(CliErrc::kUsage) ? kExitUsage : kExitFailure;
}

int ParseFailure(CLI::App& app, const CLI::ParseError& error, const Context& context) {
  const int code = app.exit(error, context.out, context.err);
  return code == 0 ? kExitOk : kExitUsage;
}

}  // namespace

Result<AdminClient> Context::Client() const {
  ServerOptions server = Server();
  if (!options.token_file.empty()) {
    OTTER_ASSIGN(server.token, ReadTokenFile(options.token_file));
  } else if (const char* token = std::getenv("OTTER_TOKEN"); token && *token) {
    server.token = token;
  } else {
    return MakeError(CliErrc::kUsage, "no admin API token: pass --token-file or set OTTER_TOKEN");
  }
  return AdminClient(std::move(server));
}

ServerOptions Context::Server() const {
  return ServerOptions{.url = options.server_url, .token = "", .ca_file = options.ca_file};
}

void Context::Print(const nlohmann::json& machine, const std::string& human) const {
  if (options.json) {
    out << machine.dump(2) << "\n";
    return;
  }
  out << human;
  if (!human.empty() && human.back() != '\n') out << "\n";
}

void Context::Note(const std::string& text) const { err << text << "\n"; }

int Run(const std::vector<std::string>& args, const Environment& environment) {
  Context context(environment);
  CLI::App app{"otter: publish updates to otter-server and operate its fleet"};
  app.name("otter");
  app.fallthrough();
  app.require_subcommand(1);
  AddGlobalOptions(app, context.options);
  AddKeyCommands(app, context);
  AddRepoCommands(app, context);
  AddTargetsCommands(app, context);
  AddPushCommand(app, context);
  AddProvisioningCommands(app, context);
  AddDeviceCommands(app, context);
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);
    app.parse(reversed);
  } catch (const CLI::ParseError& error) {
    return ParseFailure(app, error, context);
  }
  if (!context.action) {
    context.err << app.help();
    return kExitUsage;
  }
  return ExitCode(context.action(), context);
}

int Main(int argc, char** argv) {
  const SystemClock clock;
  Environment environment{.out = &std::cout,
                          .err = &std::cerr,
                          .clock = &clock,
                          .progress = isatty(STDERR_FILENO) == 1};
  return Run(std::vector<std::string>(argv, argv + argc), environment);
}

}  // namespace otter::cli
