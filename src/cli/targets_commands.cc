// otter targets pull | add | remove | sign | push | upload | list
#include <filesystem>

#include "cli/command_context.h"
#include "cli/duration.h"
#include "cli/errors.h"
#include "cli/image_repo_api.h"
#include "cli/key_files.h"
#include "cli/output.h"
#include "cli/targets_draft.h"
#include "uptane/tuf_json.h"

namespace otter::cli {
namespace {

using nlohmann::json;

// The fields of one target entry, shared by add and upload.
struct EntryOptions {
  std::string name;
  std::string version;
  std::string format;
  std::vector<std::string> hardware_ids;
  long long release_counter = -1;
  std::string uri;
};

struct PullOptions {
  std::string out = "targets.json";
};
struct AddOptions {
  std::string file;  // empty: online, POST to the server
  EntryOptions entry;
  std::string sha256;
  long long length = -1;
  std::string from_file;
};
struct RemoveOptions {
  std::string file;
  std::string name;
};
struct SignOptions {
  std::string file = "targets.json";
  std::vector<std::string> keys;
  std::string expires = "90d";
};
struct PushOptions {
  std::string file = "targets.json";
};
struct UploadOptions {
  std::string content;
  std::string targets_file;  // set: offline, add the entry to this file
  EntryOptions entry;
};
struct ListOptions {
  std::string file;  // set: list a local targets file
};

void AddEntryOptions(CLI::App* command, EntryOptions& entry) {
  command->add_option("--version", entry.version,
                      "version (custom.version); with upload the name becomes NAME-VERSION");
  command->add_option("--format", entry.format, "OSTREE, BINARY or COMPOSE")
      ->check(CLI::IsMember({"OSTREE", "BINARY", "COMPOSE"}));
  command->add_option("--hardware-id", entry.hardware_ids, "hardware id (repeatable)");
  command->add_option("--release-counter", entry.release_counter, "Uptane release counter")
      ->check(CLI::NonNegativeNumber);
}

std::optional<std::uint64_t> Counter(long long value) {
  if (value < 0) return std::nullopt;
  return static_cast<std::uint64_t>(value);
}

TargetSpec SpecFrom(const EntryOptions& entry) {
  TargetSpec spec;
  spec.name = entry.name;
  spec.version = entry.version;
  spec.format = entry.format;
  spec.hardware_ids = entry.hardware_ids;
  spec.release_counter = Counter(entry.release_counter);
  spec.uri = entry.uri;
  return spec;
}

Result<TargetSpec> AddSpec(const AddOptions& options) {
  TargetSpec spec = SpecFrom(options.entry);
  if (!options.from_file.empty()) {
    if (!options.sha256.empty() || options.length >= 0)
      return MakeError(CliErrc::kUsage, "--from-file computes --sha256 and --length");
    OTTER_ASSIGN(const FileDigest digest, DigestFile(options.from_file));
    spec.sha256 = digest.sha256;
    spec.length = digest.length;
    if (spec.name.empty()) spec.name = std::filesystem::path(options.from_file).filename();
    if (spec.format.empty()) spec.format = "BINARY";
    return spec;
  }
  if (spec.name.empty() || options.sha256.empty())
    return MakeError(CliErrc::kUsage, "give --name and --sha256 (and --length), or --from-file");
  if (options.length < 0 && spec.format != "OSTREE")
    return MakeError(CliErrc::kUsage, "--length is required (except for OSTREE targets)");
  spec.sha256 = options.sha256;
  spec.length = options.length < 0 ? 0 : static_cast<std::uint64_t>(options.length);
  return spec;
}

std::string DraftSummary(const TargetsDraft& draft, std::size_t count) {
  return std::to_string(count) + " targets, based on server v" +
         std::to_string(draft.base_version) + (draft.is_signed() ? ", signed" : ", unsigned");
}

Status Pull(Context& context, const PullOptions& options) {
  OTTER_ASSIGN(AdminClient client, context.Client());
  OTTER_ASSIGN(const auto current, FetchSignedTargets(client));
  OTTER_ASSIGN(const TargetsDraft draft, DraftFromServer(current));
  OTTER_TRY(SaveDraft(draft, options.out));
  OTTER_ASSIGN(const uptane::Targets targets, ParseDraft(draft));
  context.Print(
      {{"file", options.out}, {"version", draft.base_version}, {"targets", targets.targets.size()}},
      "pulled targets v" + std::to_string(draft.base_version) + " (" +
          std::to_string(targets.targets.size()) + " targets) to " + options.out);
  return Ok();
}

Status Add(Context& context, const AddOptions& options) {
  OTTER_ASSIGN(const TargetSpec spec, AddSpec(options));
  OTTER_ASSIGN(const uptane::TargetFile target, MakeTarget(spec));
  if (options.file.empty()) {
    OTTER_ASSIGN(AdminClient client, context.Client());
    OTTER_ASSIGN(const std::uint64_t version, AddOnlineTarget(client, target));
    context.Print({{"name", target.name}, {"targets_version", version}},
                  "added " + target.name + " (targets v" + std::to_string(version) + ")");
    return Ok();
  }
  OTTER_ASSIGN(TargetsDraft draft, LoadDraft(options.file));
  OTTER_TRY(AddTarget(draft, target));
  OTTER_TRY(SaveDraft(draft, options.file));
  context.Print(
      {{"name", target.name}, {"entry", uptane::ToJson(target)}},
      "added " + target.name + " to " + options.file + " (unsigned: run otter targets sign)");
  return Ok();
}

Status Remove(Context& context, const RemoveOptions& options) {
  if (options.file.empty()) {
    OTTER_ASSIGN(AdminClient client, context.Client());
    OTTER_ASSIGN(const std::uint64_t version, RemoveOnlineTarget(client, options.name));
    context.Print({{"name", options.name}, {"targets_version", version}},
                  "removed " + options.name + " (targets v" + std::to_string(version) + ")");
    return Ok();
  }
  OTTER_ASSIGN(TargetsDraft draft, LoadDraft(options.file));
  OTTER_TRY(RemoveTarget(draft, options.name));
  OTTER_TRY(SaveDraft(draft, options.file));
  context.Print({{"name", options.name}}, "removed " + options.name + " from " + options.file);
  return Ok();
}

Status Sign(Context& context, const SignOptions& options) {
  OTTER_ASSIGN(const auto lifetime, ParseDuration(options.expires));
  OTTER_ASSIGN(const std::vector<PrivateKey> keys, LoadSigningKeys(options.keys));
  std::vector<const PrivateKey*> signers;
  for (const PrivateKey& key : keys) signers.push_back(&key);
  OTTER_ASSIGN(TargetsDraft draft, LoadDraft(options.file));
  const TimePoint expires = context.clock.Now() + lifetime;
  OTTER_TRY(SignDraft(draft, signers, expires));
  OTTER_TRY(SaveDraft(draft, options.file));
  const std::uint64_t version = draft.base_version + 1;
  context.Print({{"file", options.file}, {"version", version}, {"expires", FormatTime(expires)}},
                "signed targets v" + std::to_string(version) + " (expires " + FormatTime(expires) +
                    ") in " + options.file);
  return Ok();
}

Status Push(Context& context, const PushOptions& options) {
  OTTER_ASSIGN(TargetsDraft draft, LoadDraft(options.file));
  OTTER_ASSIGN(const std::string body, PushBody(draft));
  OTTER_ASSIGN(AdminClient client, context.Client());
  auto version = PushSignedTargets(client, body, draft.base_version);
  if (!version && version.error().Is(CliErrc::kChangedMeanwhile))
    return std::move(version).error().WithContext(
        "someone changed the targets since they were pulled: otter targets pull, add, sign "
        "and push again");
  if (!version) return std::move(version).error();
  // The file now describes what the server publishes: edits continue from it.
  draft.base_version = *version;
  OTTER_TRY(SaveDraft(draft, options.file));
  context.Print({{"version", *version}}, "published targets v" + std::to_string(*version));
  return Ok();
}

Result<std::string> UploadedName(const EntryOptions& entry) {
  if (entry.name.empty()) return MakeError(CliErrc::kUsage, "--name is required");
  return entry.version.empty() ? entry.name : entry.name + "-" + entry.version;
}

// The entry an offline upload adds to the targets file.
Result<uptane::TargetFile> UploadedEntry(const UploadOptions& options, const std::string& name,
                                         const FileDigest& digest) {
  TargetSpec spec = SpecFrom(options.entry);
  spec.name = name;
  spec.package_name = options.entry.version.empty() ? "" : options.entry.name;
  spec.sha256 = digest.sha256;
  spec.length = digest.length;
  if (spec.format.empty()) spec.format = "BINARY";
  return MakeTarget(spec);
}

// Online: the server adds the target from these parameters.
ContentUpload OnlineUpload(const UploadOptions& options, const FileDigest& digest) {
  ContentUpload upload;
  upload.file = options.content;
  upload.sha256 = digest.sha256;
  upload.length = digest.length;
  if (!options.targets_file.empty()) return upload;
  upload.name = options.entry.name;
  upload.version = options.entry.version;
  upload.format = options.entry.format.empty() ? "BINARY" : options.entry.format;
  upload.hardware_ids = options.entry.hardware_ids;
  upload.release_counter = Counter(options.entry.release_counter);
  return upload;
}

Result<json> SendContent(Context& context, const ContentUpload& upload) {
  OTTER_ASSIGN(AdminClient client, context.Client());
  auto answer = UploadContent(client, upload);
  if (!answer && answer.error().Is(CliErrc::kConflict) && upload.name)
    return std::move(answer).error().WithContext(
        "the server signs no targets itself: upload with --targets-file FILE");
  return answer;
}

Status Upload(Context& context, const UploadOptions& options) {
  OTTER_ASSIGN(const std::string name, UploadedName(options.entry));
  OTTER_ASSIGN(const FileDigest digest, DigestFile(options.content));
  const bool online = options.targets_file.empty();
  TargetsDraft draft;
  uptane::TargetFile target;
  if (!online) {
    OTTER_ASSIGN(draft, LoadDraft(options.targets_file));
    OTTER_ASSIGN(target, UploadedEntry(options, name, digest));
  }
  OTTER_ASSIGN(const json answer, SendContent(context, OnlineUpload(options, digest)));
  json result = {{"name", name}, {"sha256", digest.sha256}, {"length", digest.length}};
  std::string human =
      "uploaded " + FormatBytes(digest.length) + " (sha256 " + ShortHash(digest.sha256) + ")";
  if (online) {
    result["targets_version"] = answer.value("targets_version", json());
    human += "; target " + name + " published (targets v" + Field(answer, "targets_version") + ")";
  } else {
    OTTER_TRY(AddTarget(draft, target));
    OTTER_TRY(SaveDraft(draft, options.targets_file));
    human += "; " + name + " added to " + options.targets_file + " (sign and push it)";
  }
  context.Print(result, human);
  return Ok();
}

std::vector<Row> TargetRows(const json& targets) {
  std::vector<Row> rows;
  for (const auto& [name, entry] : targets.items()) {
    const json custom = entry.value("custom", json::object());
    std::string hardware;
    for (const json& id : custom.value("hardwareIds", json::array()))
      hardware += (hardware.empty() ? "" : ",") + Cell(id);
    rows.push_back({name, Field(custom, "targetFormat"), Field(entry, "length"),
                    ShortHash(Field(entry.value("hashes", json::object()), "sha256")),
                    hardware.empty() ? "-" : hardware});
  }
  return rows;
}

std::string TargetTable(const json& targets) {
  return FormatTable({"NAME", "FORMAT", "LENGTH", "SHA256", "HARDWARE"}, TargetRows(targets));
}

Status List(Context& context, const ListOptions& options) {
  if (!options.file.empty()) {
    OTTER_ASSIGN(const TargetsDraft draft, LoadDraft(options.file));
    const json targets = draft.signed_part.value("targets", json::object());
    context.Print(
        {{"base_version", draft.base_version}, {"signed", draft.is_signed()}, {"targets", targets}},
        options.file + ": " + DraftSummary(draft, targets.size()) + "\n" + TargetTable(targets));
    return Ok();
  }
  OTTER_ASSIGN(AdminClient client, context.Client());
  OTTER_ASSIGN(const json answer, ListTargets(client));
  const json targets = answer.value("targets", json::object());
  std::string header = "targets v" + Field(answer, "version");
  if (answer.contains("expires")) header += ", expires " + Field(answer, "expires");
  header += answer.value("online_targets", false) ? " (online targets key)\n" : "\n";
  context.Print(answer, header + TargetTable(targets));
  return Ok();
}

void AddPull(CLI::App* targets, Context& context) {
  auto options = std::make_shared<PullOptions>();
  CLI::App* pull = targets->add_subcommand("pull", "save the server's signed targets to a file");
  pull->add_option("--out", options->out, "targets file")->capture_default_str();
  OnParsed(pull, context, options, &Pull);
}

void AddAdd(CLI::App* targets, Context& context) {
  auto options = std::make_shared<AddOptions>();
  CLI::App* add = targets->add_subcommand(
      "add", "add a target to a targets file (--file), or on the server (online targets key)");
  add->add_option("--file", options->file, "targets file from `otter targets pull`");
  add->add_option("--name", options->entry.name, "target name");
  add->add_option("--sha256", options->sha256, "content sha256 (the commit for OSTREE)");
  add->add_option("--length", options->length, "content length in bytes")
      ->check(CLI::NonNegativeNumber);
  add->add_option("--from-file", options->from_file, "compute sha256 and length of this file")
      ->check(CLI::ExistingFile);
  add->add_option("--uri", options->entry.uri, "where devices download the content");
  AddEntryOptions(add, options->entry);
  OnParsed(add, context, options, &Add);
}

void AddRemove(CLI::App* targets, Context& context) {
  auto options = std::make_shared<RemoveOptions>();
  CLI::App* remove = targets->add_subcommand(
      "remove", "remove a target from a targets file (--file), or on the server");
  remove->add_option("--file", options->file, "targets file");
  remove->add_option("--name", options->name, "target name")->required();
  OnParsed(remove, context, options, &Remove);
}

void AddSign(CLI::App* targets, Context& context) {
  auto options = std::make_shared<SignOptions>();
  CLI::App* sign = targets->add_subcommand("sign", "sign a targets file as version pulled + 1");
  sign->add_option("--file", options->file, "targets file")->capture_default_str();
  sign->add_option("--key", options->keys, "targets private key (repeatable)")->required();
  sign->add_option("--expires", options->expires, "lifetime")->capture_default_str();
  OnParsed(sign, context, options, &Sign);
}

void AddPush(CLI::App* targets, Context& context) {
  auto options = std::make_shared<PushOptions>();
  CLI::App* push = targets->add_subcommand(
      "push", "upload a signed targets file (refused when the targets changed meanwhile)");
  push->add_option("--file", options->file, "targets file")->capture_default_str();
  OnParsed(push, context, options, &Push);
}

void AddUpload(CLI::App* targets, Context& context) {
  auto options = std::make_shared<UploadOptions>();
  CLI::App* upload = targets->add_subcommand(
      "upload", "upload content (BINARY or COMPOSE) and add it as a target");
  upload->add_option("--file", options->content, "content to upload")
      ->required()
      ->check(CLI::ExistingFile);
  upload->add_option("--name", options->entry.name, "target name")->required();
  upload->add_option("--targets-file", options->targets_file,
                     "offline: add the entry to this targets file instead of the server");
  AddEntryOptions(upload, options->entry);
  OnParsed(upload, context, options, &Upload);
}

}  // namespace

void AddTargetsCommands(CLI::App& app, Context& context) {
  CLI::App* targets = app.add_subcommand("targets", "the Image repository's targets");
  targets->require_subcommand(1);
  AddPull(targets, context);
  AddAdd(targets, context);
  AddRemove(targets, context);
  AddSign(targets, context);
  AddPush(targets, context);
  AddUpload(targets, context);
  auto list = std::make_shared<ListOptions>();
  CLI::App* listing = targets->add_subcommand("list", "list the targets (server or --file)");
  listing->add_option("--file", list->file, "a local targets file");
  OnParsed(listing, context, list, &List);
}

}  // namespace otter::cli
