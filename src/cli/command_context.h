// What every command shares: the global options, the output streams, the
// clock, and the action the parsed command line selected. Internal.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "cli/admin_client.h"
#include "cli/app.h"
#include "common/result.h"
#include "common/time.h"

namespace otter::cli {

struct GlobalOptions {
  std::string server_url = "https://127.0.0.1:8444";
  std::string token_file;
  std::string ca_file;
  bool json = false;
};

class Context {
 public:
  explicit Context(const Environment& environment)
      : out(*environment.out),
        err(*environment.err),
        clock(*environment.clock),
        progress(environment.progress) {}

  // A client for the configured server: the token from --token-file
  // ($OTTER_TOKEN_FILE) or $OTTER_TOKEN; kUsage when there is none.
  Result<AdminClient> Client() const;
  ServerOptions Server() const;

  // `machine` with --json, else `human` (a newline is added when missing).
  void Print(const nlohmann::json& machine, const std::string& human) const;
  // A note on stderr (never in --json output).
  void Note(const std::string& text) const;

  GlobalOptions options;
  std::ostream& out;
  std::ostream& err;
  const Clock& clock;
  bool progress;
  std::function<Status()> action;
};

// Registers a subcommand's action: runs `run(context, *options)` after a
// successful parse. `options` stays alive with the callback.
template <typename Options>
void OnParsed(CLI::App* command, Context& context, std::shared_ptr<Options> options,
              Status (*run)(Context&, const Options&)) {
  command->callback([&context, options, run] {
    context.action = [&context, options, run] { return run(context, *options); };
  });
}

// One file per command group.
void AddKeyCommands(CLI::App& app, Context& context);
void AddRepoCommands(CLI::App& app, Context& context);  // repo init, root rotate
void AddTargetsCommands(CLI::App& app, Context& context);
void AddPushCommand(CLI::App& app, Context& context);
void AddProvisioningCommands(CLI::App& app, Context& context);  // fleet, device
void AddDeviceCommands(CLI::App& app, Context& context);        // devices, assign, cancel

}  // namespace otter::cli
