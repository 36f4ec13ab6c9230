// otter repo init | root rotate | root show
#include "cli/command_context.h"
#include "cli/duration.h"
#include "cli/errors.h"
#include "cli/image_repo_api.h"
#include "cli/key_files.h"
#include "cli/targets_draft.h"
#include "uptane/tuf_json.h"

namespace otter::cli {
namespace {

using nlohmann::json;
using uptane::RoleName;

struct InitOptions {
  std::vector<std::string> root_keys;
  std::vector<std::string> root_public_keys;
  std::uint32_t threshold = 1;
  std::vector<std::string> targets_keys;
  std::uint32_t targets_threshold = 1;
  std::string expires = "365d";
  std::string targets_expires = "90d";
};

struct RotateOptions {
  std::vector<std::string> old_keys;
  std::vector<std::string> new_keys;
  std::uint32_t threshold = 1;
  std::vector<std::string> targets_keys;
  std::uint32_t targets_threshold = 1;
  std::string expires = "365d";
};

std::vector<const PrivateKey*> Pointers(const std::vector<PrivateKey>& keys) {
  std::vector<const PrivateKey*> pointers;
  for (const PrivateKey& key : keys) pointers.push_back(&key);
  return pointers;
}

// The targets keys given as private key files: they can sign targets v1.
std::vector<PrivateKey> PrivateKeysAmong(const std::vector<std::string>& paths) {
  std::vector<PrivateKey> keys;
  for (const std::string& path : paths) {
    if (auto key = LoadPrivateKey(path); key) keys.push_back(std::move(key).value());
  }
  return keys;
}

Result<RoleKeySet> RootKeySet(const InitOptions& options, const std::vector<PrivateKey>& signers) {
  RoleKeySet set{{}, options.threshold};
  for (const PrivateKey& key : signers) set.keys.push_back(key.public_key());
  OTTER_ASSIGN(std::vector<PublicKey> extra, LoadPublicKeys(options.root_public_keys));
  set.keys.insert(set.keys.end(), extra.begin(), extra.end());
  return set;
}

Result<RoleKeySet> TargetsKeySet(const InitOptions& options, const OnlineKeys& online) {
  if (options.targets_keys.empty()) {
    if (online.has_targets()) return online.roles.at(RoleName::kTargets);
    return MakeError(CliErrc::kUsage,
                     "--targets-key is required: the server has no online targets key");
  }
  OTTER_ASSIGN(std::vector<PublicKey> keys, LoadPublicKeys(options.targets_keys));
  return RoleKeySet{std::move(keys), options.targets_threshold};
}

Error AlreadyInitialized(Error error) {
  if (!error.Is(CliErrc::kConflict)) return error;
  return std::move(error).WithContext(
      "the Image repository already has a root (use `otter root rotate`)");
}

// Signs and pushes targets v1 (empty, or the server's current entries).
Result<std::uint64_t> PublishFirstTargets(AdminClient& client, const std::vector<PrivateKey>& keys,
                                          TimePoint expires) {
  OTTER_ASSIGN(const auto current, FetchSignedTargets(client));
  OTTER_ASSIGN(TargetsDraft draft, DraftFromServer(current));
  OTTER_TRY(SignDraft(draft, Pointers(keys), expires));
  OTTER_ASSIGN(const std::string body, PushBody(draft));
  return PushSignedTargets(client, body, draft.base_version);
}

std::string KeyList(const RoleKeySet& set) {
  std::string text;
  for (const PublicKey& key : set.keys) text += (text.empty() ? "" : ", ") + key.KeyId();
  return text + " (threshold " + std::to_string(set.threshold) + ")";
}

// What `repo init` reports, built up as it goes.
struct Report {
  json machine;
  std::string human;
};

Report RootReport(const RootUploaded& uploaded, const RoleKeySet& root, const RoleKeySet& targets,
                  bool online_targets) {
  Report report{{{"root_version", uploaded.version},
                 {"root_keys", json::array()},
                 {"targets_keys", json::array()},
                 {"online_targets", online_targets}},
                "root v" + std::to_string(uploaded.version) + " uploaded\n  root keys:    " +
                    KeyList(root) + "\n  targets keys: " + KeyList(targets) +
                    (online_targets ? " (the server's online key)" : "") + "\n"};
  for (const PublicKey& key : root.keys) report.machine["root_keys"].push_back(key.KeyId());
  for (const PublicKey& key : targets.keys) report.machine["targets_keys"].push_back(key.KeyId());
  return report;
}

// Publishes targets v1 when the given targets keys can sign it.
Status PublishTargetsIfPossible(AdminClient& client, const InitOptions& options,
                                const RoleKeySet& targets, TimePoint expires, Report& report) {
  const std::vector<PrivateKey> signers = PrivateKeysAmong(options.targets_keys);
  if (signers.size() < targets.threshold) {
    report.machine["targets_need_signing"] = true;
    report.human += "targets are not published yet: otter targets pull, sign and push\n";
    return Ok();
  }
  OTTER_ASSIGN(const std::uint64_t version, PublishFirstTargets(client, signers, expires));
  report.machine["targets_version"] = version;
  report.human += "targets v" + std::to_string(version) + " signed and published\n";
  return Ok();
}

Status Init(Context& context, const InitOptions& options) {
  OTTER_ASSIGN(const auto lifetime, ParseDuration(options.expires));
  OTTER_ASSIGN(const auto targets_lifetime, ParseDuration(options.targets_expires));
  OTTER_ASSIGN(const std::vector<PrivateKey> root_signers, LoadSigningKeys(options.root_keys));
  OTTER_ASSIGN(AdminClient client, context.Client());
  OTTER_ASSIGN(const OnlineKeys online, FetchOnlineKeys(client));
  OTTER_ASSIGN(const RoleKeySet root_set, RootKeySet(options, root_signers));
  OTTER_ASSIGN(const RoleKeySet targets_set, TargetsKeySet(options, online));
  const TimePoint now = context.clock.Now();
  OTTER_ASSIGN(const uptane::Root root,
               BuildInitialRoot({root_set, targets_set, online, now + lifetime}));
  OTTER_ASSIGN(const auto signed_root, SignRoot(root, Pointers(root_signers)));
  auto uploaded = UploadRoot(client, signed_root.bytes);
  if (!uploaded) return AlreadyInitialized(std::move(uploaded).error());
  Report report = RootReport(*uploaded, root_set, targets_set, options.targets_keys.empty());
  if (uploaded->targets_need_signing)
    OTTER_TRY(
        PublishTargetsIfPossible(client, options, targets_set, now + targets_lifetime, report));
  context.Print(report.machine, report.human);
  return Ok();
}

Status Rotate(Context& context, const RotateOptions& options) {
  OTTER_ASSIGN(const auto lifetime, ParseDuration(options.expires));
  OTTER_ASSIGN(const std::vector<PrivateKey> old_keys, LoadSigningKeys(options.old_keys));
  OTTER_ASSIGN(const std::vector<PrivateKey> new_keys, LoadSigningKeys(options.new_keys));
  RootRotation rotation{Pointers(old_keys), Pointers(new_keys), options.threshold, std::nullopt,
                        context.clock.Now() + lifetime};
  if (!options.targets_keys.empty()) {
    OTTER_ASSIGN(std::vector<PublicKey> targets, LoadPublicKeys(options.targets_keys));
    rotation.targets = RoleKeySet{std::move(targets), options.targets_threshold};
  }
  OTTER_ASSIGN(AdminClient client, context.Client());
  OTTER_ASSIGN(const std::string current, FetchRoot(client));
  OTTER_ASSIGN(const auto next, RotateRoot(current, rotation));
  OTTER_ASSIGN(const RootUploaded uploaded, UploadRoot(client, next.bytes));
  std::string human = "root v" + std::to_string(uploaded.version) + " uploaded, signed by " +
                      std::to_string(next.signatures.size()) + " keys\n";
  if (uploaded.targets_need_signing)
    human +=
        "the targets no longer verify under the new root: otter targets pull, sign "
        "(with the new targets key) and push\n";
  context.Print(
      {{"root_version", uploaded.version}, {"targets_need_signing", uploaded.targets_need_signing}},
      human);
  return Ok();
}

std::string RootSummary(const uptane::Root& root) {
  std::string text =
      "root v" + std::to_string(root.version) + ", expires " + FormatTime(root.expires) + "\n";
  for (const auto& [role, keys] : root.roles) {
    text += "  " + std::string(uptane::RoleNameString(role)) + ": threshold " +
            std::to_string(keys.threshold) + ", keys";
    for (const std::string& keyid : keys.keyids) text += " " + keyid;
    text += "\n";
  }
  return text;
}

struct ShowOptions {};

Status Show(Context& context, const ShowOptions&) {
  OTTER_ASSIGN(AdminClient client, context.Client());
  OTTER_ASSIGN(const std::string bytes, FetchRoot(client));
  OTTER_ASSIGN(const auto metadata, uptane::SignedMetadata::Parse(bytes));
  OTTER_ASSIGN(const uptane::Root root, uptane::ParseRoot(metadata.signed_part));
  context.Print(json::parse(bytes), RootSummary(root));
  return Ok();
}

void AddInit(CLI::App& repo, Context& context) {
  auto options = std::make_shared<InitOptions>();
  CLI::App* init =
      repo.add_subcommand("init", "create the Image repository: sign root v1 here and upload it");
  init->add_option("--root-key", options->root_keys, "root private key (repeatable)")->required();
  init->add_option("--root-pubkey", options->root_public_keys,
                   "further root public key that does not sign now (repeatable)");
  init->add_option("--threshold", options->threshold, "root signature threshold")
      ->capture_default_str();
  init->add_option("--targets-key", options->targets_keys,
                   "targets key, public or private (repeatable); none: the server's online "
                   "targets key");
  init->add_option("--targets-threshold", options->targets_threshold)->capture_default_str();
  init->add_option("--expires", options->expires, "root lifetime")->capture_default_str();
  init->add_option("--targets-expires", options->targets_expires, "targets v1 lifetime")
      ->capture_default_str();
  OnParsed(init, context, options, &Init);
}

void AddRotate(CLI::App& root, Context& context) {
  auto options = std::make_shared<RotateOptions>();
  CLI::App* rotate = root.add_subcommand(
      "rotate", "sign root N+1 with the old and the new root keys and upload it");
  rotate->add_option("--old-key", options->old_keys, "current root private key (repeatable)")
      ->required();
  rotate->add_option("--new-key", options->new_keys, "new root private key (repeatable)")
      ->required();
  rotate->add_option("--threshold", options->threshold, "new root threshold")
      ->capture_default_str();
  rotate->add_option("--targets-key", options->targets_keys,
                     "new targets key (repeatable; default: keep the current ones)");
  rotate->add_option("--targets-threshold", options->targets_threshold)->capture_default_str();
  rotate->add_option("--expires", options->expires, "lifetime of the new root")
      ->capture_default_str();
  OnParsed(rotate, context, options, &Rotate);
}

}  // namespace

void AddRepoCommands(CLI::App& app, Context& context) {
  CLI::App* repo = app.add_subcommand("repo", "the Image repository");
  repo->require_subcommand(1);
  AddInit(*repo, context);

  CLI::App* root = app.add_subcommand("root", "the Image repository's root");
  root->require_subcommand(1);
  AddRotate(*root, context);
  CLI::App* show = root->add_subcommand("show", "print the current root");
  OnParsed(show, context, std::make_shared<ShowOptions>(), &Show);
}

}  // namespace otter::cli
