// The server's TUF Image repository.
//
// The operator keeps `root` (and normally `targets`) offline: the `otter` CLI
// builds and signs them and uploads them here. The server holds only the
// online `snapshot` and `timestamp` keys and signs those roles whenever the
// targets change and before they expire. With an online targets key
// (OnlineKeys::targets) the server also signs `targets` itself: quick starts
// and demos, less safe, since whoever takes the server can then publish.
//
// Every signed version is kept (image_metadata, see schema.h) as the exact
// bytes served. One publication (targets, snapshot, timestamp) commits in one
// transaction, so readers always see a consistent set. Signing transactions
// are serialised across servers sharing the database.
//
//   ImageRepository repo(db, blobs, clock, std::move(keys), options);
//   OTTER_TRY(repo.PutRoot(root_bytes));                      // otter repo init
//   OTTER_ASSIGN(auto current, repo.CurrentTargets());        // otter targets pull
//   OTTER_TRY(repo.PutTargets(signed_bytes, current.version)); // otter targets push
//   OTTER_ASSIGN(auto timestamp, repo.Read(RoleName::kTimestamp));  // GET /repo/timestamp.json
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/crypto.h"
#include "common/result.h"
#include "common/time.h"
#include "image_repo/errors.h"
#include "storage/blob_store.h"
#include "uptane/metadata.h"

namespace soci {
class session;
}

namespace otter::storage {
class Database;
}

namespace otter::uptane {
struct SignedMetadata;
}

namespace otter::image_repo {

struct RepositoryState;  // repository_state.h
struct TargetsCache;

struct OnlineKeys {
  PrivateKey snapshot;
  PrivateKey timestamp;
  // Set: online-targets mode, the server signs targets too (less safe).
  std::optional<PrivateKey> targets;
};

// Whether an OSTree commit (64 hex digits) is in the server's OSTree
// repository; otter-server wires treehub in.
using OstreeCommitCheck = std::function<Result<bool>(std::string_view commit)>;

struct RepositoryOptions {
  // How long the metadata the server signs is valid. A role is signed again
  // once less than half of its lifetime is left.
  std::chrono::seconds timestamp_lifetime = std::chrono::days(1);
  std::chrono::seconds snapshot_lifetime = std::chrono::days(7);
  std::chrono::seconds targets_lifetime = std::chrono::days(365);  // online targets only
  std::chrono::seconds root_lifetime = std::chrono::days(365);     // InitializeOnline's root
  // Unset: OSTREE targets are refused.
  OstreeCommitCheck ostree_commit_exists;
};

// One signed metadata version as served.
struct SignedFile {
  uptane::RoleName role = uptane::RoleName::kRoot;
  std::uint64_t version = 0;
  std::string body;  // the exact bytes served
  TimePoint expires{};
};

struct RootAccepted {
  std::uint64_t version = 0;
  // The current targets do not verify under this root (none yet, or the
  // targets keys changed and the server cannot sign them): sign and push
  // targets to publish.
  bool targets_need_signing = false;
};

class ImageRepository {
 public:
  ImageRepository(storage::Database& database, const storage::BlobStore& blobs, const Clock& clock,
                  OnlineKeys keys, RepositoryOptions options = {});
  ~ImageRepository();
  ImageRepository(const ImageRepository&) = delete;
  ImageRepository& operator=(const ImageRepository&) = delete;

  // Quick start: when there is no root yet, signs root v1 with `root_key`
  // (the server does not keep it), trusting the online targets, snapshot and
  // timestamp keys, and publishes empty targets, snapshot and timestamp v1.
  // Needs an online targets key. Does nothing when a root exists.
  Status InitializeOnline(const PrivateKey& root_key);

  // The first root (version 1, signed by its own root threshold) or root
  // N+1 (signed by the thresholds of root N and of itself). It must list the
  // server's snapshot and timestamp keys for those roles with threshold 1
  // (kOnlineKeysNotTrusted names the key ids), and must not have expired.
  // In online-targets mode, targets that no longer verify are signed again.
  Result<RootAccepted> PutRoot(std::string bytes);

  // {"keys": {keyid: key}, "roles": {"snapshot": {"keyids": [..],
  // "threshold": 1}, "timestamp": .., "targets": .. (online mode)}}: what a
  // root.json needs to trust this server.
  nlohmann::json OnlinePublicKeys() const;
  bool online_targets() const { return keys_.targets.has_value(); }

  // The newest targets; kNotFound before the first publication.
  Result<SignedFile> CurrentTargets();

  // Offline-signed targets: `expected_current_version` must be the current
  // version (0 for none yet; else kChangedMeanwhile), the new version the
  // current one + 1 (kBadVersion), signed by the root's targets threshold,
  // unexpired, without delegations, and every target valid (ValidateTarget
  // and its content present). Publishes it with a new snapshot and
  // timestamp; returns the new targets version.
  Result<std::uint64_t> PutTargets(std::string bytes, std::uint64_t expected_current_version);

  // Online-targets mode (else kTargetsSignedOffline): adds or replaces one
  // target, or removes one (kNotFound when absent), and publishes targets
  // N+1, snapshot and timestamp. Returns the new targets version.
  Result<std::uint64_t> AddTarget(const uptane::TargetFile& target);
  Result<std::uint64_t> RemoveTarget(std::string_view name);

  // Signs again what is past its refresh point at `now`: timestamp,
  // snapshot, and online targets. Returns whether anything was signed.
  // Call it periodically; Read() calls it lazily as well.
  Result<bool> RefreshExpiring(TimePoint now);

  // A role's signed file: a version, or the newest. Reading the newest
  // timestamp or snapshot first signs again what is due, so an expired
  // timestamp is never served. kNotFound when absent.
  Result<SignedFile> Read(uptane::RoleName role,
                          std::optional<std::uint64_t> version = std::nullopt);

  // The newest targets, parsed (version 0 and no targets before the first
  // publication).
  Result<uptane::Targets> ListTargets();

  // The blob behind a target path as served under /repo/targets/: the plain
  // target name (current targets), or the consistent-snapshot form
  // "<dir>/<sha256>.<basename>" (any version ever published). kNotFound for
  // unknown names, OSTree targets and targets served from a `uri`.
  Result<storage::BlobInfo> TargetContent(std::string_view path);

  const storage::BlobStore& blobs() const { return blobs_; }
  const Clock& clock() const { return clock_; }

 private:
  // publishing.cc: signing under the repository lock.
  Result<RepositoryState> LoadState(soci::session& sql, TimePoint now) const;
  Status WriteTargets(soci::session& sql, RepositoryState& state, SignedFile targets) const;
  Status WriteSnapshot(soci::session& sql, RepositoryState& state) const;
  Status WriteTimestamp(soci::session& sql, RepositoryState& state) const;
  Status Publish(soci::session& sql, RepositoryState& state, SignedFile targets) const;
  Result<SignedFile> SignOnlineTargets(const RepositoryState& state,
                                       nlohmann::json signed_part) const;
  Result<bool> RefreshLocked(soci::session& sql, TimePoint now) const;
  Result<bool> AnythingDue(TimePoint now);

  // image_repository.cc: what operators upload.
  Result<RootAccepted> AcceptRoot(soci::session& sql, const std::string& bytes,
                                  const uptane::Root& root, TimePoint now) const;
  Status CheckTargetsPush(const RepositoryState& state, const uptane::SignedMetadata& metadata,
                          const uptane::Targets& targets, std::uint64_t expected) const;
  Status CheckTargetsContent(const uptane::Targets& targets);
  Result<std::uint64_t> ChangeOnlineTargets(const std::function<Status(nlohmann::json&)>& change);

  // reading.cc
  Status RefreshIfDue();
  Result<std::shared_ptr<const uptane::Targets>> ParsedCurrentTargets();

  storage::Database& database_;
  const storage::BlobStore& blobs_;
  const Clock& clock_;
  OnlineKeys keys_;
  RepositoryOptions options_;
  std::unique_ptr<TargetsCache> cache_;
};

}  // namespace otter::image_repo
