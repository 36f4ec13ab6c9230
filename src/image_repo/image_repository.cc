// What operators upload: roots, offline-signed targets, online target
// changes.
#include "image_repo/image_repository.h"

#include <soci/soci.h>

#include "image_repo/key_trust.h"
#include "image_repo/metadata_rows.h"
#include "image_repo/repository_state.h"
#include "image_repo/signer.h"
#include "image_repo/target_checks.h"
#include "uptane/errors.h"
#include "uptane/signed_metadata.h"
#include "uptane/trusted_set.h"
#include "uptane/tuf_json.h"

namespace otter::image_repo {
namespace {

using uptane::RoleName;
using uptane::UptaneErrc;

std::string Str(std::uint64_t value) { return std::to_string(value); }

// An uptane error about uploaded metadata, in this module's terms.
Error Refused(Error error) {
  ImageRepoErrc code = ImageRepoErrc::kInvalidMetadata;
  if (error.Is(UptaneErrc::kBadSignature)) code = ImageRepoErrc::kBadSignature;
  if (error.Is(UptaneErrc::kRollback) || error.Is(UptaneErrc::kBadVersion))
    code = ImageRepoErrc::kBadVersion;
  return MakeError(code, error.message());
}

template <typename T>
Result<T> RefusedIfError(Result<T> result) {
  if (result) return result;
  return Refused(std::move(result).error());
}

Error OfflineTargets(const std::string& why) {
  return MakeError(ImageRepoErrc::kTargetsSignedOffline,
                   why +
                       ": targets are signed offline: use `otter targets pull`, "
                       "`otter targets add`, `otter targets sign` and `otter targets push`");
}

Error NotInitialized() {
  return MakeError(ImageRepoErrc::kNotInitialized,
                   "the image repository has no root yet (otter repo init)");
}

Status CheckUnexpired(const uptane::CommonFields& fields, const std::string& what, TimePoint now) {
  if (now < fields.expires) return Ok();
  return MakeError(ImageRepoErrc::kInvalidMetadata,
                   what + " v" + Str(fields.version) + " expired at " + FormatTime(fields.expires));
}

Status CheckRootVersion(const std::optional<SignedFile>& current, const uptane::Root& root) {
  const std::uint64_t expected = current ? current->version + 1 : 1;
  if (root.version == expected) return Ok();
  return MakeError(ImageRepoErrc::kBadVersion,
                   "root v" + Str(root.version) + ": expected v" + Str(expected));
}

// TUF rotation rules: the first root is signed by its own threshold; root
// N+1 by the thresholds of root N and of itself.
Status CheckRootSignatures(const std::optional<SignedFile>& current, const std::string& bytes) {
  if (!current) {
    auto trusted = uptane::TrustedSet::Create(bytes);
    if (!trusted) return Refused(std::move(trusted).error());
    return Ok();
  }
  OTTER_ASSIGN(uptane::TrustedSet trusted, uptane::TrustedSet::Create(current->body));
  auto rotated = trusted.UpdateRoot(bytes);
  if (!rotated) return Refused(std::move(rotated).error());
  return Ok();
}

bool TargetsVerify(const SignedFile& targets, const uptane::Root& root) {
  auto metadata = uptane::SignedMetadata::Parse(targets.body);
  return metadata && uptane::VerifySignatures(*metadata, root.keys,
                                              root.roles.at(RoleName::kTargets), "targets")
                         .ok();
}

// The `signed` part of the newest targets, or an empty one at version 0.
Result<nlohmann::json> CurrentTargetsSignedPart(const RepositoryState& state) {
  if (!state.targets) return EmptyTargets();
  return SignedPartOf(*state.targets);
}

bool SameEntry(const uptane::TargetFile& a, const uptane::TargetFile& b) {
  return a.length == b.length && a.hashes == b.hashes &&
         a.custom.target_format == b.custom.target_format && a.custom.uri == b.custom.uri;
}

}  // namespace

ImageRepository::ImageRepository(storage::Database& database, const storage::BlobStore& blobs,
                                 const Clock& clock, OnlineKeys keys, RepositoryOptions options)
    : database_(database),
      blobs_(blobs),
      clock_(clock),
      keys_(std::move(keys)),
      options_(std::move(options)),
      cache_(std::make_unique<TargetsCache>()) {}

ImageRepository::~ImageRepository() = default;

nlohmann::json ImageRepository::OnlinePublicKeys() const { return OnlineKeysJson(keys_); }

Status ImageRepository::InitializeOnline(const PrivateKey& root_key) {
  if (!keys_.targets)
    return OfflineTargets("a quick-start repository needs the server's online targets key");
  const TimePoint now = clock_.Now();
  return SigningTransaction(database_, [&](soci::session& sql) -> Status {
    LockRepository(sql);
    if (LatestHead(sql, RoleName::kRoot)) return Ok();
    OTTER_ASSIGN(SignedFile root,
                 SignQuickStartRoot(root_key, keys_, now + options_.root_lifetime));
    InsertRow(sql, root, now);
    OTTER_ASSIGN(RepositoryState state, LoadState(sql, now));
    OTTER_ASSIGN(SignedFile targets, SignOnlineTargets(state, EmptyTargets()));
    return Publish(sql, state, std::move(targets));
  });
}

Result<RootAccepted> ImageRepository::PutRoot(std::string bytes) {
  OTTER_ASSIGN(uptane::SignedMetadata metadata,
               RefusedIfError(uptane::SignedMetadata::Parse(bytes)));
  OTTER_ASSIGN(uptane::Root root, RefusedIfError(uptane::ParseRoot(metadata.signed_part)));
  const TimePoint now = clock_.Now();
  OTTER_TRY(CheckUnexpired(root, "root", now));
  OTTER_TRY(CheckOnlineKeysTrusted(root, keys_));
  return SigningTransaction(database_, [&](soci::session& sql) -> Result<RootAccepted> {
    return AcceptRoot(sql, bytes, root, now);
  });
}

Result<RootAccepted> ImageRepository::AcceptRoot(soci::session& sql, const std::string& bytes,
                                                 const uptane::Root& root, TimePoint now) const {
  LockRepository(sql);
  OTTER_ASSIGN(RepositoryState state, LoadState(sql, now));
  OTTER_TRY(CheckRootVersion(state.root, root));
  OTTER_TRY(CheckRootSignatures(state.root, bytes));
  const SignedFile file{RoleName::kRoot, root.version, bytes, root.expires};
  InsertRow(sql, file, now);
  state.root = file;
  state.parsed_root = root;
  bool targets_valid = state.targets && TargetsVerify(*state.targets, root);
  if (!targets_valid && TrustsOnlineTargetsKey(root, keys_)) {
    OTTER_ASSIGN(nlohmann::json base, CurrentTargetsSignedPart(state));
    OTTER_ASSIGN(SignedFile targets, SignOnlineTargets(state, std::move(base)));
    OTTER_TRY(Publish(sql, state, std::move(targets)));
    targets_valid = true;
  }
  return RootAccepted{root.version, !targets_valid};
}

Result<SignedFile> ImageRepository::CurrentTargets() { return Read(RoleName::kTargets); }

Status ImageRepository::CheckTargetsPush(const RepositoryState& state,
                                         const uptane::SignedMetadata& metadata,
                                         const uptane::Targets& targets,
                                         std::uint64_t expected) const {
  if (!state.parsed_root) return NotInitialized();
  const std::uint64_t current = state.targets_version();
  if (expected != current)
    return MakeError(ImageRepoErrc::kChangedMeanwhile,
                     "the targets changed meanwhile: the server has v" + Str(current) +
                         ", the push expected v" + Str(expected) + " (pull, sign and push again)");
  if (targets.version != current + 1)
    return MakeError(ImageRepoErrc::kBadVersion,
                     "targets v" + Str(targets.version) + ": expected v" + Str(current + 1));
  const uptane::Root& root = *state.parsed_root;
  auto verified =
      uptane::VerifySignatures(metadata, root.keys, root.roles.at(RoleName::kTargets), "targets");
  if (!verified) return Refused(std::move(verified).error());
  return Ok();
}

Status ImageRepository::CheckTargetsContent(const uptane::Targets& targets) {
  OTTER_ASSIGN(auto current, ParsedCurrentTargets());
  for (const auto& [name, target] : targets.targets) {
    OTTER_TRY(ValidateTarget(target));
    auto previous = current->targets.find(name);
    const bool changed = previous == current->targets.end() || !SameEntry(previous->second, target);
    OTTER_TRY(CheckTargetContent(target, blobs_, options_.ostree_commit_exists, changed));
  }
  return Ok();
}

Result<std::uint64_t> ImageRepository::PutTargets(std::string bytes,
                                                  std::uint64_t expected_current_version) {
  OTTER_ASSIGN(uptane::SignedMetadata metadata,
               RefusedIfError(uptane::SignedMetadata::Parse(bytes)));
  OTTER_ASSIGN(uptane::Targets targets, RefusedIfError(uptane::ParseTargets(metadata.signed_part)));
  const TimePoint now = clock_.Now();
  if (targets.delegations)
    return MakeError(ImageRepoErrc::kInvalidMetadata, "delegations are not supported");
  OTTER_TRY(CheckUnexpired(targets, "targets", now));
  // Cheap checks first, then the content, then the same checks under the lock.
  OTTER_ASSIGN(RepositoryState before,
               database_.WithSession([&](soci::session& sql) { return LoadState(sql, now); }));
  OTTER_TRY(CheckTargetsPush(before, metadata, targets, expected_current_version));
  OTTER_TRY(CheckTargetsContent(targets));
  return SigningTransaction(database_, [&](soci::session& sql) -> Result<std::uint64_t> {
    LockRepository(sql);
    OTTER_ASSIGN(RepositoryState state, LoadState(sql, now));
    OTTER_TRY(CheckTargetsPush(state, metadata, targets, expected_current_version));
    OTTER_TRY(Publish(sql, state,
                      SignedFile{RoleName::kTargets, targets.version, bytes, targets.expires}));
    return targets.version;
  });
}

Result<std::uint64_t> ImageRepository::AddTarget(const uptane::TargetFile& target) {
  if (!keys_.targets) return OfflineTargets("this server has no online targets key");
  OTTER_TRY(ValidateTarget(target));
  OTTER_TRY(CheckTargetContent(target, blobs_, options_.ostree_commit_exists, true));
  return ChangeOnlineTargets([&](nlohmann::json& signed_part) -> Status {
    signed_part["targets"][target.name] = uptane::ToJson(target);
    return Ok();
  });
}

Result<std::uint64_t> ImageRepository::RemoveTarget(std::string_view name) {
  if (!keys_.targets) return OfflineTargets("this server has no online targets key");
  const std::string key(name);
  return ChangeOnlineTargets([&](nlohmann::json& signed_part) -> Status {
    if (signed_part["targets"].erase(key) == 0)
      return MakeError(ImageRepoErrc::kNotFound, "no target \"" + key + "\"");
    return Ok();
  });
}

Result<std::uint64_t> ImageRepository::ChangeOnlineTargets(
    const std::function<Status(nlohmann::json&)>& change) {
  const TimePoint now = clock_.Now();
  return SigningTransaction(database_, [&](soci::session& sql) -> Result<std::uint64_t> {
    LockRepository(sql);
    OTTER_ASSIGN(RepositoryState state, LoadState(sql, now));
    if (!state.parsed_root) return NotInitialized();
    if (!TrustsOnlineTargetsKey(*state.parsed_root, keys_))
      return OfflineTargets("root v" + Str(state.parsed_root->version) +
                            " does not trust the server's targets key " + keys_.targets->KeyId());
    OTTER_ASSIGN(nlohmann::json signed_part, CurrentTargetsSignedPart(state));
    OTTER_TRY(change(signed_part));
    OTTER_ASSIGN(SignedFile targets, SignOnlineTargets(state, std::move(signed_part)));
    const std::uint64_t version = targets.version;
    OTTER_TRY(Publish(sql, state, std::move(targets)));
    return version;
  });
}

}  // namespace otter::image_repo
