// otter-bench-server-load: the load generator of bench/run-server-load.
//
//   provision  issue N device certificates and register their ECUs (not measured)
//   run        N devices on keep-alive mTLS connections for warm-up + duration;
//              prints requests/s and p50/p99 per request kind, saves JSON
//   report     the saved runs side by side, and each one's ratio to a baseline
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "common/file.h"
#include "server_load/devices.h"
#include "server_load/summary.h"
#include "server_load/workload.h"

namespace otter::bench {
namespace {

namespace fs = std::filesystem;

struct RunArguments {
  RunOptions options;
  std::string url;
  fs::path devices_dir;
  std::size_t connections = 200;
  std::string workload = "device";
  int warmup_seconds = 5;
  int duration_seconds = 20;
  fs::path json_file;
};

struct ReportArguments {
  fs::path baseline;
  std::vector<fs::path> runs;
};

int Fail(const Error& error) {
  std::cerr << "otter-bench-server-load: " << error.message() << "\n";
  return 1;
}

void AddProvision(CLI::App& app, ProvisionOptions& options) {
  CLI::App* command = app.add_subcommand("provision", "Provision the benchmark's devices");
  command->add_option("--admin-url", options.admin_url, "otter-server admin URL")->required();
  command->add_option("--gateway-url", options.gateway_url, "otter-server gateway URL")->required();
  command->add_option("--token-file", options.token_file, "operator token file")->required();
  command->add_option("--ca", options.ca_file, "the server CA (PEM)")->required();
  command->add_option("--devices", options.devices, "how many devices")->capture_default_str();
  command->add_option("--out", options.out_dir, "folder for the device credentials")->required();
}

void AddRun(CLI::App& app, RunArguments& arguments) {
  CLI::App* command = app.add_subcommand("run", "Run the load and print its figures");
  RunOptions& options = arguments.options;
  WorkloadOptions& workload = options.workload;
  command->add_option("--url", arguments.url, "https://127.0.0.1:PORT")->required();
  command->add_option("--ca", options.ca_file, "the server CA (PEM)")->required();
  command->add_option("--devices-dir", arguments.devices_dir, "from `provision`")->required();
  command->add_option("--connections", arguments.connections, "devices, one connection each")
      ->capture_default_str();
  command->add_option("--workload", arguments.workload, "device (the mix) or get (--path only)")
      ->check(CLI::IsMember({"device", "get"}))
      ->capture_default_str();
  command->add_option("--path", workload.path, "what the get workload fetches")
      ->capture_default_str();
  command->add_option("--targets-every", workload.targets_every, "targets.json every k-th poll")
      ->capture_default_str();
  command->add_option("--manifest-every", workload.manifest_every, "a manifest every m-th poll")
      ->capture_default_str();
  command->add_option("--warmup", arguments.warmup_seconds, "seconds before measuring")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  command->add_option("--duration", arguments.duration_seconds, "seconds measured")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  command->add_option("--label", options.label, "the run's name in reports")->required();
  command->add_option("--server-pid", options.server_pids, "server processes to sample (repeat)");
  command->add_option("--json", arguments.json_file, "save the summary here");
}

void AddReport(CLI::App& app, ReportArguments& arguments) {
  CLI::App* command = app.add_subcommand("report", "Saved runs side by side, with ratios");
  command->add_option("--baseline", arguments.baseline, "the run the others are compared to")
      ->required();
  command->add_option("runs", arguments.runs, "saved runs (JSON)")->required();
}

int Provision(const ProvisionOptions& options) {
  const Status provisioned = ProvisionDevices(options);
  if (!provisioned.ok()) return Fail(provisioned.error());
  std::cout << "provisioned " << options.devices << " devices in " << options.out_dir << "\n";
  return 0;
}

int Run(RunArguments& arguments) {
  RunOptions& options = arguments.options;
  options.workload.device_mix = arguments.workload == "device";
  options.warmup = std::chrono::seconds(arguments.warmup_seconds);
  options.duration = std::chrono::seconds(arguments.duration_seconds);
  auto endpoint = ParseHttpsUrl(arguments.url);
  if (!endpoint.ok()) return Fail(endpoint.error());
  options.endpoint = *endpoint;
  auto devices = LoadDevices(arguments.devices_dir, arguments.connections);
  if (!devices.ok()) return Fail(devices.error());
  auto summary = RunLoad(options, *devices);
  if (!summary.ok()) return Fail(summary.error());
  std::cout << FormatRuns({*summary});
  if (arguments.json_file.empty()) return 0;
  const Status saved = WriteFileAtomic(arguments.json_file, ToJson(*summary).dump(2) + "\n");
  return saved.ok() ? 0 : Fail(saved.error());
}

Result<RunSummary> LoadSummary(const fs::path& file) {
  OTTER_ASSIGN(const std::string text, ReadFile(file, 16 * 1024 * 1024));
  const auto value = nlohmann::json::parse(text, nullptr, false);
  OTTER_ASSIGN_CONTEXT(RunSummary summary, ParseRunSummary(value), file.string());
  return summary;
}

int Report(const ReportArguments& arguments) {
  auto baseline = LoadSummary(arguments.baseline);
  if (!baseline.ok()) return Fail(baseline.error());
  std::vector<RunSummary> runs;
  for (const fs::path& file : arguments.runs) {
    auto run = LoadSummary(file);
    if (!run.ok()) return Fail(run.error());
    runs.push_back(std::move(*run));
  }
  std::vector<RunSummary> all = runs;
  all.push_back(*baseline);
  std::cout << FormatRuns(all) << "\n" << FormatRatios(runs, *baseline);
  return 0;
}

}  // namespace
}  // namespace otter::bench

int main(int argc, char** argv) {
  using namespace otter::bench;
  CLI::App app{"Load generator for otter-server and its nginx baseline (bench/run-server-load)"};
  app.require_subcommand(1);
  ProvisionOptions provision;
  RunArguments run;
  ReportArguments report;
  AddProvision(app, provision);
  AddRun(app, run);
  AddReport(app, report);
  CLI11_PARSE(app, argc, argv);
  if (app.got_subcommand("provision")) return Provision(provision);
  if (app.got_subcommand("run")) return Run(run);
  return Report(report);
}
