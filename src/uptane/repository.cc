#include "uptane/repository.h"

#include <set>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "uptane/errors.h"
#include "uptane/tuf_json.h"

namespace otter::uptane {
namespace {

bool SameKeyIds(const Root& a, const Root& b, RoleName role) {
  auto ids = [role](const Root& root) {
    const auto& list = root.roles.at(role).keyids;
    return std::set<KeyId>(list.begin(), list.end());
  };
  return ids(a) == ids(b);
}

// The version a stored document claims, without verifying it: storage is
// trusted, and the number only ever raises the rollback floor.
std::optional<std::uint64_t> StoredVersion(const std::string& bytes) {
  auto metadata = SignedMetadata::Parse(bytes);
  if (!metadata) return std::nullopt;
  auto version = metadata->signed_part.find("version");
  if (version == metadata->signed_part.end() || !version->is_number_unsigned()) return std::nullopt;
  return version->get<std::uint64_t>();
}

}  // namespace

Repository::Repository(std::string name, MetadataStore& store, Fetcher& fetcher,
                       RepositoryLimits limits)
    : name_(std::move(name)), store_(store), fetcher_(fetcher), limits_(limits) {}

Error Repository::Fail(Error error) const { return std::move(error).WithContext(name_); }

Status Repository::Refresh(TimePoint now, TargetsCheck check) {
  targets_check_ = std::move(check);
  OTTER_TRY(LoadTrustedRoot());
  const Root initial = trusted_->root();
  OTTER_TRY(UpdateRoot(now));
  if (!SameKeyIds(initial, trusted_->root(), RoleName::kTimestamp) ||
      !SameKeyIds(initial, trusted_->root(), RoleName::kSnapshot)) {
    OTTER_TRY(store_.Remove("timestamp"));
    OTTER_TRY(store_.Remove("snapshot"));
  }
  OTTER_TRY(UpdateTimestamp(now));
  OTTER_TRY(UpdateSnapshot(now));
  return UpdateTargets("targets", "root", now);
}

Status Repository::LoadTrustedRoot() {
  trusted_.reset();
  OTTER_ASSIGN(auto stored, store_.Load("root"));
  if (!stored) return Fail(MakeError(UptaneErrc::kStorage, "no trusted root"));
  auto trusted = TrustedSet::Create(std::move(*stored));
  if (!trusted) return Fail(std::move(trusted).error());
  trusted_.emplace(std::move(trusted).value());
  return Ok();
}

Status Repository::UpdateRoot(TimePoint now) {
  for (std::uint32_t rotation = 0; rotation < limits_.max_root_rotations; ++rotation) {
    const std::string path = MetadataFileName("root", trusted_->root().version + 1);
    auto bytes = fetcher_.Fetch(path, limits_.max_root_bytes);
    if (!bytes && bytes.error().Is(CommonErrc::kNotFound)) break;
    if (!bytes) return FetchError(path, limits_.max_root_bytes, bytes.error());
    auto accepted = trusted_->UpdateRoot(std::move(bytes).value());
    if (!accepted) return Fail(std::move(accepted).error());
    OTTER_TRY(Persist("root"));
  }
  auto final_check = trusted_->CheckRootFinal(now);
  if (!final_check) return Fail(std::move(final_check).error());
  return Ok();
}

Status Repository::UpdateTimestamp(TimePoint now) {
  OTTER_ASSIGN(auto stored, store_.Load("timestamp"));
  // A stored timestamp that no longer verifies (rotated keys) is no baseline;
  // an expired one still is.
  if (stored) (void)trusted_->UpdateTimestamp(std::move(*stored), now);
  OTTER_ASSIGN(std::string bytes, FetchMetadata("timestamp.json", limits_.max_timestamp_bytes));
  auto is_new = trusted_->UpdateTimestamp(std::move(bytes), now);
  if (!is_new) return Fail(std::move(is_new).error());
  return *is_new ? Persist("timestamp") : Ok();
}

Status Repository::UpdateSnapshot(TimePoint now) {
  OTTER_ASSIGN(auto stored, store_.Load("snapshot"));
  if (stored && trusted_->UpdateSnapshot(std::move(*stored), now, /*from_storage=*/true).ok())
    return Ok();
  const MetaFile& entry = trusted_->timestamp()->snapshot;
  const auto version = trusted_->root().consistent_snapshot ? std::optional(entry.version) : std::nullopt;
  OTTER_ASSIGN(std::string bytes, FetchMetadata(MetadataFileName("snapshot", version),
                                                entry.length.value_or(limits_.max_snapshot_bytes)));
  auto accepted = trusted_->UpdateSnapshot(std::move(bytes), now, /*from_storage=*/false);
  if (!accepted) return Fail(std::move(accepted).error());
  return Persist("snapshot");
}

Status Repository::UpdateTargets(const std::string& role, const std::string& delegator,
                                 TimePoint now) {
  OTTER_ASSIGN(auto stored, store_.Load(role));
  if (stored) {
    auto version = StoredVersion(*stored);
    if (trusted_->UpdateTargets(std::move(*stored), now, role, delegator).ok())
      return AcceptTargets(role);
    if (version) trusted_->SetTargetsBaseline(role, *version);
  }
  const auto& meta = trusted_->snapshot()->meta;
  auto entry = meta.find(role + ".json");
  if (entry == meta.end())
    return Fail(MakeError(UptaneErrc::kMixAndMatch, "snapshot does not list " + role));
  const auto version =
      trusted_->root().consistent_snapshot ? std::optional(entry->second.version) : std::nullopt;
  OTTER_ASSIGN(std::string bytes,
               FetchMetadata(MetadataFileName(role, version),
                             entry->second.length.value_or(limits_.max_targets_bytes)));
  auto accepted = trusted_->UpdateTargets(std::move(bytes), now, role, delegator);
  if (!accepted) return Fail(std::move(accepted).error());
  OTTER_TRY(AcceptTargets(role));
  return Persist(role);
}

Status Repository::AcceptTargets(const std::string& role) {
  if (role != "targets" || !targets_check_) return Ok();
  auto checked = targets_check_(*trusted_->targets());
  if (!checked) return Fail(std::move(checked).error());
  return Ok();
}

Result<std::string> Repository::FetchMetadata(const std::string& path, std::uint64_t max_bytes) {
  auto bytes = fetcher_.Fetch(path, max_bytes);
  if (bytes) return bytes;
  return FetchError(path, max_bytes, bytes.error());
}

Error Repository::FetchError(const std::string& path, std::uint64_t max_bytes,
                             const Error& error) const {
  if (error.Is(CommonErrc::kTooLarge))
    return Fail(MakeError(UptaneErrc::kEndlessData,
                          "fetching " + path + ": more than " + std::to_string(max_bytes) + " bytes"));
  return Fail(MakeError(UptaneErrc::kFetchFailed, "fetching " + path + ": " + error.message()));
}

Status Repository::Persist(const std::string& role) {
  const SignedMetadata* metadata = trusted_->signed_metadata(role);
  auto saved = store_.Save(role, metadata->bytes);
  if (saved) return Ok();
  return Fail(MakeError(UptaneErrc::kStorage, "saving " + role + ": " + saved.error().message()));
}

const Targets& Repository::targets() const { return *trusted_->targets(); }

const Root& Repository::root() const { return trusted_->root(); }

Result<TargetFile> Repository::FindTarget(const std::string& name, TimePoint now,
                                          const std::optional<std::string>& hardware_id) {
  using RoleAndParent = std::pair<std::string, std::string>;
  std::vector<RoleAndParent> to_visit = {{"targets", "root"}};
  std::set<RoleAndParent> visited;
  while (!to_visit.empty() && visited.size() < limits_.max_delegations) {
    RoleAndParent next = std::move(to_visit.back());
    to_visit.pop_back();
    if (!visited.insert(next).second) continue;
    const auto& [role, parent] = next;
    if (!trusted_->targets(role)) OTTER_TRY(UpdateTargets(role, parent, now));
    const Targets& targets = *trusted_->targets(role);
    if (auto found = targets.targets.find(name); found != targets.targets.end()) return found->second;
    if (!targets.delegations) continue;
    std::vector<RoleAndParent> children;
    for (const DelegatedRole& child : targets.delegations->roles) {
      if (!child.MatchesPath(name) || (hardware_id && !child.ServesHardware(*hardware_id))) continue;
      children.emplace_back(child.name, role);
      if (child.terminating) {
        to_visit.clear();
        break;
      }
    }
    to_visit.insert(to_visit.end(), children.rbegin(), children.rend());
  }
  return Fail(MakeError(UptaneErrc::kTargetNotFound, "no trusted target " + name));
}

}  // namespace otter::uptane
