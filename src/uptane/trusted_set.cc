#include "uptane/trusted_set.h"

#include <algorithm>

#include "common/hash.h"
#include "uptane/errors.h"
#include "uptane/tuf_json.h"

namespace otter::uptane {
namespace {

Error Fail(UptaneErrc code, const std::string& message) { return MakeError(code, message); }

std::string Str(std::uint64_t value) { return std::to_string(value); }

Status VerifyByRoot(const SignedMetadata& metadata, const Root& root, RoleName role) {
  return VerifySignatures(metadata, root.keys, root.roles.at(role), RoleNameString(role));
}

Status CheckNotExpired(const CommonFields& fields, TimePoint now, const std::string& what) {
  if (now < fields.expires) return Ok();
  return Fail(UptaneErrc::kExpired, what + " expired at " + FormatTime(fields.expires));
}

// The bytes against a parent's entry: length and every hash when listed.
Status CheckAgainstEntry(const std::string& bytes, const MetaFile& entry, const std::string& what) {
  if (entry.length && bytes.size() != *entry.length)
    return Fail(UptaneErrc::kMixAndMatch, what + " is " + Str(bytes.size()) + " bytes, expected " +
                                              Str(*entry.length));
  for (const auto& [name, digest] : entry.hashes) {
    auto algorithm = ParseHashAlgorithm(name);
    if (!algorithm) return Fail(UptaneErrc::kMixAndMatch, what + ": unknown hash " + name);
    Hasher hasher(*algorithm);
    hasher.Update(bytes);
    if (hasher.FinishHex() != digest)
      return Fail(UptaneErrc::kMixAndMatch, what + ": " + name + " does not match");
  }
  return Ok();
}

bool SameKeys(const Root& a, const Root& b, RoleName role) {
  auto sorted = [](std::vector<KeyId> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  return sorted(a.roles.at(role).keyids) == sorted(b.roles.at(role).keyids);
}

}  // namespace

Result<TrustedSet> TrustedSet::Create(std::string root_bytes) {
  OTTER_ASSIGN(SignedMetadata metadata, SignedMetadata::Parse(std::move(root_bytes)));
  OTTER_ASSIGN(Root root, ParseRoot(metadata.signed_part));
  OTTER_TRY_CONTEXT(VerifyByRoot(metadata, root, RoleName::kRoot), "trusted root");
  return TrustedSet(std::move(root), std::move(metadata));
}

Status TrustedSet::UpdateRoot(std::string bytes) {
  OTTER_ASSIGN(SignedMetadata metadata, SignedMetadata::Parse(std::move(bytes)));
  OTTER_ASSIGN(Root root, ParseRoot(metadata.signed_part));
  const std::string what = "root v" + Str(root.version);
  OTTER_TRY_CONTEXT(VerifyByRoot(metadata, root_, RoleName::kRoot), what + " by the trusted root");
  if (root.version <= root_.version)
    return Fail(UptaneErrc::kRollback, what + " after trusted v" + Str(root_.version));
  if (root.version != root_.version + 1)
    return Fail(UptaneErrc::kBadVersion, what + ", expected v" + Str(root_.version + 1));
  OTTER_TRY_CONTEXT(VerifyByRoot(metadata, root, RoleName::kRoot), what + " by itself");
  if (!SameKeys(root_, root, RoleName::kTimestamp) || !SameKeys(root_, root, RoleName::kSnapshot)) {
    timestamp_.reset();
    snapshot_.reset();
    signed_.erase("timestamp");
    signed_.erase("snapshot");
  }
  root_ = std::move(root);
  root_signed_ = std::move(metadata);
  return Ok();
}

Status TrustedSet::CheckRootFinal(TimePoint now) const {
  return CheckNotExpired(root_, now, "root v" + Str(root_.version));
}

Result<bool> TrustedSet::UpdateTimestamp(std::string bytes, TimePoint now) {
  OTTER_TRY(CheckRootFinal(now));
  OTTER_ASSIGN(SignedMetadata metadata, SignedMetadata::Parse(std::move(bytes)));
  OTTER_ASSIGN(Timestamp timestamp, ParseTimestamp(metadata.signed_part));
  OTTER_TRY(VerifyByRoot(metadata, root_, RoleName::kTimestamp));
  const std::string what = "timestamp v" + Str(timestamp.version);
  if (timestamp_) {
    if (timestamp.version < timestamp_->version)
      return Fail(UptaneErrc::kRollback, what + " after trusted v" + Str(timestamp_->version));
    if (timestamp.version == timestamp_->version) {
      OTTER_TRY(CheckNotExpired(*timestamp_, now, what));
      return false;
    }
    if (timestamp.snapshot.version < timestamp_->snapshot.version)
      return Fail(UptaneErrc::kRollback, what + " names snapshot v" + Str(timestamp.snapshot.version) +
                                             " after v" + Str(timestamp_->snapshot.version));
  }
  timestamp_ = std::move(timestamp);
  signed_.insert_or_assign("timestamp", std::move(metadata));
  OTTER_TRY(CheckNotExpired(*timestamp_, now, what));
  return true;
}

Status TrustedSet::UpdateSnapshot(std::string bytes, TimePoint now, bool from_storage) {
  if (!timestamp_) return Fail(UptaneErrc::kMalformed, "snapshot before timestamp");
  OTTER_TRY(CheckNotExpired(*timestamp_, now, "timestamp"));
  const MetaFile& expected = timestamp_->snapshot;
  if (!from_storage) OTTER_TRY(CheckAgainstEntry(bytes, expected, "snapshot"));
  OTTER_ASSIGN(SignedMetadata metadata, SignedMetadata::Parse(std::move(bytes)));
  OTTER_ASSIGN(Snapshot snapshot, ParseSnapshot(metadata.signed_part));
  OTTER_TRY(VerifyByRoot(metadata, root_, RoleName::kSnapshot));
  const std::string what = "snapshot v" + Str(snapshot.version);
  if (snapshot_) {
    for (const auto& [name, old_entry] : snapshot_->meta) {
      auto entry = snapshot.meta.find(name);
      if (entry == snapshot.meta.end())
        return Fail(UptaneErrc::kRollback, what + " no longer lists " + name);
      if (entry->second.version < old_entry.version)
        return Fail(UptaneErrc::kRollback, what + " lists " + name + " v" +
                                               Str(entry->second.version) + " after v" +
                                               Str(old_entry.version));
    }
  }
  snapshot_ = std::move(snapshot);
  signed_.insert_or_assign("snapshot", std::move(metadata));
  OTTER_TRY(CheckNotExpired(*snapshot_, now, what));
  if (snapshot_->version != expected.version)
    return Fail(UptaneErrc::kMixAndMatch, what + ", timestamp names v" + Str(expected.version));
  return Ok();
}

Result<const MetaFile*> TrustedSet::SnapshotEntry(const std::string& role) const {
  if (!snapshot_) return Fail(UptaneErrc::kMalformed, role + " before snapshot");
  auto entry = snapshot_->meta.find(role + ".json");
  if (entry == snapshot_->meta.end())
    return Fail(UptaneErrc::kMixAndMatch, "snapshot does not list " + role);
  return &entry->second;
}

Result<std::pair<const KeyMap*, RoleKeys>> TrustedSet::DelegatedKeys(
    const std::string& role, const std::string& delegator) const {
  if (delegator == "root") return std::pair{&root_.keys, root_.roles.at(RoleName::kTargets)};
  const Targets* parent = targets(delegator);
  if (!parent || !parent->delegations)
    return Fail(UptaneErrc::kMalformed, delegator + " delegates nothing");
  for (const DelegatedRole& delegated : parent->delegations->roles) {
    if (delegated.name == role)
      return std::pair{&parent->delegations->keys, RoleKeys{delegated.keyids, delegated.threshold}};
  }
  return Fail(UptaneErrc::kMalformed, delegator + " does not delegate to " + role);
}

Status TrustedSet::UpdateTargets(std::string bytes, TimePoint now, const std::string& role,
                                 const std::string& delegator) {
  if (!snapshot_) return Fail(UptaneErrc::kMalformed, role + " before snapshot");
  OTTER_TRY(CheckNotExpired(*snapshot_, now, "snapshot"));
  OTTER_ASSIGN(const MetaFile* entry, SnapshotEntry(role));
  OTTER_TRY(CheckAgainstEntry(bytes, *entry, role));
  OTTER_ASSIGN(SignedMetadata metadata, SignedMetadata::Parse(std::move(bytes)));
  OTTER_ASSIGN(Targets targets, ParseTargets(metadata.signed_part));
  OTTER_ASSIGN(auto keys, DelegatedKeys(role, delegator));
  OTTER_TRY(VerifySignatures(metadata, *keys.first, keys.second, role));
  const std::string what = role + " v" + Str(targets.version);
  auto baseline = targets_baseline_.find(role);
  if (baseline != targets_baseline_.end() && targets.version < baseline->second)
    return Fail(UptaneErrc::kRollback, what + " after trusted v" + Str(baseline->second));
  if (targets.version != entry->version)
    return Fail(UptaneErrc::kMixAndMatch, what + ", snapshot names v" + Str(entry->version));
  OTTER_TRY(CheckNotExpired(targets, now, what));
  targets_.insert_or_assign(role, std::move(targets));
  signed_.insert_or_assign(role, std::move(metadata));
  return Ok();
}

void TrustedSet::SetTargetsBaseline(const std::string& role, std::uint64_t version) {
  targets_baseline_[role] = std::max(targets_baseline_[role], version);
}

const Targets* TrustedSet::targets(const std::string& role) const {
  auto it = targets_.find(role);
  return it == targets_.end() ? nullptr : &it->second;
}

const SignedMetadata* TrustedSet::signed_metadata(const std::string& role) const {
  if (role == "root") return &root_signed_;
  auto it = signed_.find(role);
  return it == signed_.end() ? nullptr : &it->second;
}

}  // namespace otter::uptane
