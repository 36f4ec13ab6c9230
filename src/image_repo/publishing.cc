// Signing under the repository lock: the newest state, new targets,
// snapshot and timestamp, and the re-signing of what is about to expire.
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "image_repo/errors.h"
#include "image_repo/image_repository.h"
#include "image_repo/key_trust.h"
#include "image_repo/metadata_rows.h"
#include "image_repo/repository_state.h"
#include "image_repo/signer.h"
#include "uptane/signed_metadata.h"
#include "uptane/tuf_json.h"

namespace otter::image_repo {
namespace {

using uptane::RoleName;

Result<uptane::Targets> ParseStoredTargets(const SignedFile& file) {
  OTTER_ASSIGN(nlohmann::json signed_part, SignedPartOf(file));
  auto targets = uptane::ParseTargets(signed_part);
  if (!targets) return Unreadable(file, targets.error());
  return targets;
}

}  // namespace

Result<RepositoryState> ImageRepository::LoadState(soci::session& sql, TimePoint now) const {
  RepositoryState state;
  state.now = now;
  state.root = LatestRow(sql, RoleName::kRoot);
  if (state.root) {
    OTTER_ASSIGN(nlohmann::json signed_part, SignedPartOf(*state.root));
    auto root = uptane::ParseRoot(signed_part);
    if (!root) return Unreadable(*state.root, root.error());
    state.parsed_root = std::move(root).value();
  }
  state.targets = LatestRow(sql, RoleName::kTargets);
  state.snapshot = LatestRow(sql, RoleName::kSnapshot);
  state.timestamp = LatestRow(sql, RoleName::kTimestamp);
  return state;
}

Status ImageRepository::WriteTargets(soci::session& sql, RepositoryState& state,
                                     SignedFile targets) const {
  OTTER_ASSIGN(uptane::Targets parsed, ParseStoredTargets(targets));
  InsertRow(sql, targets, state.now);
  RecordTargetFiles(sql, parsed, state.now);
  spdlog::info("image repository: targets v{} published ({} targets)", targets.version,
               parsed.targets.size());
  state.targets = std::move(targets);
  return Ok();
}

Status ImageRepository::WriteSnapshot(soci::session& sql, RepositoryState& state) const {
  const std::uint64_t version = state.snapshot ? state.snapshot->version + 1 : 1;
  OTTER_ASSIGN(SignedFile snapshot,
               SignSnapshot(*state.targets, version, state.now + options_.snapshot_lifetime,
                            keys_.snapshot));
  InsertRow(sql, snapshot, state.now);
  state.snapshot = std::move(snapshot);
  return Ok();
}

Status ImageRepository::WriteTimestamp(soci::session& sql, RepositoryState& state) const {
  const std::uint64_t version = state.timestamp ? state.timestamp->version + 1 : 1;
  OTTER_ASSIGN(SignedFile timestamp,
               SignTimestamp(*state.snapshot, version, state.now + options_.timestamp_lifetime,
                             keys_.timestamp));
  InsertRow(sql, timestamp, state.now);
  state.timestamp = std::move(timestamp);
  return Ok();
}

Status ImageRepository::Publish(soci::session& sql, RepositoryState& state,
                                SignedFile targets) const {
  OTTER_TRY(WriteTargets(sql, state, std::move(targets)));
  OTTER_TRY(WriteSnapshot(sql, state));
  return WriteTimestamp(sql, state);
}

Result<SignedFile> ImageRepository::SignOnlineTargets(const RepositoryState& state,
                                                      nlohmann::json signed_part) const {
  signed_part["version"] = state.targets_version() + 1;
  signed_part["expires"] = FormatTime(state.now + options_.targets_lifetime);
  return SignRole(RoleName::kTargets, signed_part, {&*keys_.targets});
}

Result<bool> ImageRepository::RefreshLocked(soci::session& sql, TimePoint now) const {
  LockRepository(sql);
  OTTER_ASSIGN(RepositoryState state, LoadState(sql, now));
  if (!state.parsed_root || !state.timestamp) return false;
  const bool targets_due = TrustsOnlineTargetsKey(*state.parsed_root, keys_) &&
                           Due(state.targets->expires, options_.targets_lifetime, now);
  if (targets_due) {
    OTTER_ASSIGN(nlohmann::json signed_part, SignedPartOf(*state.targets));
    OTTER_ASSIGN(SignedFile targets, SignOnlineTargets(state, std::move(signed_part)));
    OTTER_TRY(WriteTargets(sql, state, std::move(targets)));
  }
  const bool snapshot_due =
      targets_due || Due(state.snapshot->expires, options_.snapshot_lifetime, now);
  if (snapshot_due) OTTER_TRY(WriteSnapshot(sql, state));
  const bool timestamp_due =
      snapshot_due || Due(state.timestamp->expires, options_.timestamp_lifetime, now);
  if (timestamp_due) OTTER_TRY(WriteTimestamp(sql, state));
  return timestamp_due;
}

Result<bool> ImageRepository::AnythingDue(TimePoint now) {
  return database_.WithSession([&](soci::session& sql) -> Result<bool> {
    auto timestamp = LatestHead(sql, RoleName::kTimestamp);
    if (!timestamp) return false;
    if (Due(timestamp->expires, options_.timestamp_lifetime, now)) return true;
    auto snapshot = LatestHead(sql, RoleName::kSnapshot);
    if (snapshot && Due(snapshot->expires, options_.snapshot_lifetime, now)) return true;
    if (!keys_.targets) return false;
    auto targets = LatestHead(sql, RoleName::kTargets);
    if (!targets || !Due(targets->expires, options_.targets_lifetime, now)) return false;
    OTTER_ASSIGN(RepositoryState state, LoadState(sql, now));
    return state.parsed_root && TrustsOnlineTargetsKey(*state.parsed_root, keys_);
  });
}

Result<bool> ImageRepository::RefreshExpiring(TimePoint now) {
  OTTER_ASSIGN(bool due, AnythingDue(now));
  if (!due) return false;
  return SigningTransaction(database_, [&](soci::session& sql) { return RefreshLocked(sql, now); });
}

}  // namespace otter::image_repo
