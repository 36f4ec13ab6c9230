// otter push: an OSTree commit to treehub, then registered as an OSTREE target.
#include <chrono>
#include <filesystem>
#include <mutex>

#include "cli/command_context.h"
#include "cli/errors.h"
#include "cli/image_repo_api.h"
#include "cli/output.h"
#include "cli/targets_draft.h"
#include "treehub_client/treehub_client.h"

namespace otter::cli {
namespace {

using nlohmann::json;

struct PushCommandOptions {
  std::string repo;
  std::string ref;
  std::string remote_ref;
  bool force = false;
  std::size_t parallel = 4;
  std::string name;
  std::string version;
  std::vector<std::string> hardware_ids;
  std::string targets_file;
  bool no_register = false;
};

constexpr std::size_t kBarWidth = 30;

std::string ProgressLine(const treehub_client::PushProgress& progress) {
  const double fraction = progress.objects_total == 0
                              ? 1.0
                              : static_cast<double>(progress.objects_done) /
                                    static_cast<double>(progress.objects_total);
  const auto filled = static_cast<std::size_t>(fraction * kBarWidth);
  return "\r[" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] " +
         std::to_string(progress.objects_done) + "/" + std::to_string(progress.objects_total) +
         " objects, " + FormatBytes(progress.bytes_done) + "/" + FormatBytes(progress.bytes_total);
}

treehub_client::ProgressCallback ProgressBar(const Context& context) {
  if (!context.progress) return {};
  return [&context](const treehub_client::PushProgress& progress) {
    context.err << ProgressLine(progress) << std::flush;
  };
}

std::string RefBasename(const std::string& ref) {
  const std::size_t slash = ref.find_last_of('/');
  return slash == std::string::npos ? ref : ref.substr(slash + 1);
}

// --version, or the commit's first 12 digits.
std::string VersionOf(const PushCommandOptions& options, const std::string& commit) {
  return options.version.empty() ? ShortHash(commit) : options.version;
}

Result<uptane::TargetFile> CommitTarget(const PushCommandOptions& options,
                                        const std::string& commit) {
  TargetSpec spec;
  const std::string version = VersionOf(options, commit);
  spec.package_name = RefBasename(options.ref);
  spec.name = options.name.empty() ? spec.package_name + "-" + version : options.name;
  spec.version = version;
  spec.sha256 = commit;
  spec.length = 0;
  spec.format = "OSTREE";
  spec.hardware_ids = options.hardware_ids;
  return MakeTarget(spec);
}

std::string AddCommandFor(const uptane::TargetFile& target) {
  std::string command = "otter targets add --file targets.json --name " + target.name +
                        " --sha256 " + target.hashes.at("sha256") + " --length 0 --format OSTREE";
  if (target.custom.raw.contains("version"))
    command += " --version " + target.custom.raw["version"].get<std::string>();
  for (const std::string& id : target.custom.hardware_ids) command += " --hardware-id " + id;
  return command;
}

treehub_client::PushOptions TreehubOptions(const Context& context, const AdminClient& client,
                                           const PushCommandOptions& options) {
  treehub_client::PushOptions push;
  push.repo = options.repo;
  push.ref = options.ref;
  push.remote_ref = options.remote_ref;
  push.force = options.force;
  push.parallelism = options.parallel;
  push.server_url = client.options().url;
  push.token = client.options().token;
  push.ca_file = client.options().ca_file;
  push.progress = ProgressBar(context);
  return push;
}

std::string Summary(const treehub_client::PushSummary& summary, double seconds) {
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.1f", seconds);
  return "pushed " + (summary.ref.empty() ? std::string("commit") : summary.ref) + " " +
         summary.commit + ": " + std::to_string(summary.objects_uploaded) + " objects uploaded, " +
         std::to_string(summary.objects_skipped) + " already on the server, " +
         FormatBytes(summary.bytes_uploaded) + " in " + elapsed + " s";
}

json SummaryJson(const treehub_client::PushSummary& summary, double seconds) {
  json out = {{"commit", summary.commit},
              {"ref", summary.ref},
              {"objects_total", summary.objects_total},
              {"objects_uploaded", summary.objects_uploaded},
              {"objects_skipped", summary.objects_skipped},
              {"bytes_uploaded", summary.bytes_uploaded},
              {"seconds", seconds},
              {"forced", summary.forced}};
  if (summary.previous) out["previous"] = *summary.previous;
  return out;
}

std::string OfflineRegistration(const uptane::TargetFile& target, json& result) {
  result["register_command"] = AddCommandFor(target);
  return "targets are signed offline; register the commit with:\n  " + AddCommandFor(target);
}

// Registers the commit: into a targets file, on the server (online targets
// key), or prints the command for the offline flow. Returns the human line.
Result<std::string> Register(AdminClient& client, const PushCommandOptions& options,
                             const uptane::TargetFile& target, json& result) {
  result["target"] = target.name;
  if (!options.targets_file.empty()) {
    OTTER_ASSIGN(TargetsDraft draft, LoadDraft(options.targets_file));
    OTTER_TRY(AddTarget(draft, target));
    OTTER_TRY(SaveDraft(draft, options.targets_file));
    result["targets_file"] = options.targets_file;
    return "target " + target.name + " added to " + options.targets_file + " (sign and push it)";
  }
  OTTER_ASSIGN(const json listing, ListTargets(client));
  if (!listing.value("online_targets", false)) return OfflineRegistration(target, result);
  auto version = AddOnlineTarget(client, target);
  // 409: the root does not trust the server's targets key (any more).
  if (!version && version.error().Is(CliErrc::kConflict)) {
    result["register_error"] = version.error().message();
    return version.error().message() + "\n" + OfflineRegistration(target, result);
  }
  if (!version) return std::move(version).error();
  result["targets_version"] = *version;
  return "target " + target.name + " published (targets v" + std::to_string(*version) + ")";
}

Status Push(Context& context, const PushCommandOptions& options) {
  OTTER_ASSIGN(AdminClient client, context.Client());
  const auto start = std::chrono::steady_clock::now();
  auto pushed = treehub_client::PushCommit(TreehubOptions(context, client, options));
  if (context.progress) context.err << "\n";
  if (!pushed) return std::move(pushed).error().WithContext("pushing " + options.ref);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  json result = SummaryJson(*pushed, seconds);
  std::string human = Summary(*pushed, seconds) + "\n";
  if (!options.no_register) {
    OTTER_ASSIGN(const uptane::TargetFile target, CommitTarget(options, pushed->commit));
    OTTER_ASSIGN(const std::string line, Register(client, options, target, result));
    human += line + "\n";
  }
  context.Print(result, human);
  return Ok();
}

}  // namespace

void AddPushCommand(CLI::App& app, Context& context) {
  auto options = std::make_shared<PushCommandOptions>();
  CLI::App* push = app.add_subcommand(
      "push", "push an OSTree commit to the server and register it as an OSTREE target");
  push->add_option("--repo", options->repo, "local OSTree repository")
      ->required()
      ->check(CLI::ExistingDirectory);
  push->add_option("--ref", options->ref, "local ref (or commit checksum) to push")->required();
  push->add_option("--remote-ref", options->remote_ref, "server ref to set (default: --ref)");
  push->add_flag("--force", options->force, "move the server ref even without a fast-forward");
  push->add_option("--parallel", options->parallel, "uploads in flight")
      ->check(CLI::Range(1, 32))
      ->capture_default_str();
  push->add_option("--name", options->name, "target name (default: <ref basename>-<version>)");
  push->add_option("--version", options->version,
                   "version (default: the commit's first 12 digits)");
  push->add_option("--hardware-id", options->hardware_ids, "hardware id (repeatable)");
  push->add_option("--targets-file", options->targets_file,
                   "offline: add the target to this targets file");
  push->add_flag("--no-register", options->no_register, "only upload the commit");
  OnParsed(push, context, options, &Push);
}

}  // namespace otter::cli
