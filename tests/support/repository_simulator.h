// An in-memory TUF repository, built and signed step by step, for the
// security-matrix tests (reference/uptane-security.md).
//
// The model (root, timestamp, snapshot, targets, delegated roles) and the
// signing keys of every role are open to the test: change anything, then
// sign. Signing serialises the model with the project's own code (ToJson,
// SignMetadata) and places the bytes in files(), the path -> bytes map a
// SimulatedFetcher or an HttpTestServer serves. Placing a role's file also
// records it in its parent's model (targets and delegated roles in snapshot
// meta, snapshot in timestamp meta); the parent is signed separately.
//
//   SimulatedRepository repo;
//   repo.AddTarget("fw.bin", "firmware");
//   repo.Publish();                            // targets, snapshot, timestamp v2
//   repo.timestamp().expires = repo.start();   // freeze attack
//   repo.PublishTimestamp();
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/hash.h"
#include "common/time.h"
#include "support/metadata_tamper.h"
#include "uptane/metadata.h"

namespace otter::testing {

using FileMap = std::map<std::string, std::string>;

// What a parent lists for a child's metadata file besides its version.
struct MetaFileOptions {
  bool length = false;
  std::vector<HashAlgorithm> hashes;
};

struct SimulatedRepositoryOptions {
  KeyType key_type = KeyType::kEd25519;
  TimePoint start = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  std::chrono::seconds lifetime = std::chrono::days(365);  // expiry = start + lifetime
  // timestamp's "snapshot.json" entry, and snapshot's entries.
  MetaFileOptions timestamp_meta{.length = true, .hashes = {HashAlgorithm::kSha256}};
  MetaFileOptions snapshot_meta{};
};

// Which keys sign a new root N+1: root N's root keys, root N+1's, or both.
enum class RootSigners { kOldAndNew, kOldOnly, kNewOnly };

// A target entry for `content`: length, sha256 and sha512, and `custom`
// (omitted when null or empty), read back through uptane::ParseTargetFile.
uptane::TargetFile MakeTarget(const std::string& name, const std::string& content,
                              const nlohmann::json& custom = nlohmann::json::object());

class SimulatedRepository {
 public:
  explicit SimulatedRepository(KeyType key_type = KeyType::kEd25519,
                               TimePoint start = SimulatedRepositoryOptions().start);
  explicit SimulatedRepository(SimulatedRepositoryOptions options);

  // The model. Role names: "root", "timestamp", "snapshot", "targets", or a
  // delegated role's name.
  uptane::Root& root() { return root_; }
  uptane::Timestamp& timestamp() { return timestamp_; }
  uptane::Snapshot& snapshot() { return snapshot_; }
  uptane::Targets& targets() { return targets_; }
  uptane::Targets& delegated(const std::string& name);
  uptane::Targets& targets(const std::string& role);  // "targets" or delegated
  uptane::CommonFields& fields(const std::string& role);
  std::vector<PrivateKey>& signers(const std::string& role);
  MetaFileOptions& timestamp_meta() { return options_.timestamp_meta; }
  MetaFileOptions& snapshot_meta() { return options_.snapshot_meta; }

  TimePoint start() const { return options_.start; }
  TimePoint default_expires() const { return options_.start + options_.lifetime; }

  // Served files: "1.root.json", "root.json", "timestamp.json",
  // "2.snapshot.json", "snapshot.json", "2.targets.json", "targets.json",
  // "1.role1.json", "role1.json", "targets/<name>" and
  // "targets/<dir>/<hash>.<basename>" for sha256 and sha512.
  FileMap& files() { return files_; }
  const FileMap& files() const { return files_; }
  // Every root ever placed, by version, untouched by edits of files().
  const std::string& root_bytes(std::uint64_t version = 1) const;
  // The bytes last placed for a role.
  const std::string& signed_bytes(const std::string& role) const;

  PrivateKey NewKey() const;
  std::vector<PrivateKey> NewKeys(std::size_t count) const;

  // Adds (or replaces) a target in "targets" or a delegated role and serves
  // its content. The role still has to be published.
  uptane::TargetFile& AddTarget(const std::string& name, const std::string& content,
                                const nlohmann::json& custom = nlohmann::json::object(),
                                const std::string& role = "targets");
  void RemoveTarget(const std::string& name, const std::string& role = "targets");

  // Delegates from `delegator` to a new role signed by `keys` (one fresh key
  // when empty; role.keyids is filled from them when empty). Signs the new
  // role at version 1; the delegator still has to be published.
  uptane::Targets& AddDelegation(const std::string& delegator, uptane::DelegatedRole role,
                                 std::vector<PrivateKey> keys = {});

  // Root N+1 with the model's current content. A valid root is signed by
  // both root N's root keys and its own (kOldAndNew).
  void RotateRoot(RootSigners which = RootSigners::kOldAndNew);
  // Replaces a top-level role's keys and threshold in root, makes `keys` the
  // role's signers and rotates root. The role itself is not re-signed.
  void RotateKeys(const std::string& role, std::vector<PrivateKey> keys,
                  std::uint32_t threshold = 1, RootSigners which = RootSigners::kOldAndNew);

  // Version + 1, then Sign().
  void PublishTargets();
  void PublishDelegated(const std::string& name);
  void PublishSnapshot();
  void PublishTimestamp();
  // PublishTargets, PublishSnapshot, PublishTimestamp.
  void Publish();

  // Signs the current model of `role` with its signers (root: also with the
  // previous root's keys) and places the file. No version change.
  void Sign(const std::string& role);
  // The same with an arbitrary set of keys (none: unsigned). Returns the
  // bytes placed.
  const std::string& SignWith(const std::string& role, const std::vector<PrivateKey>& keys);
  // Like Sign(), after `edit` changed the model's JSON: for what the model
  // cannot hold (a field of a key object, a wrong type). Files are placed
  // under the model's version.
  const std::string& SignEdited(const std::string& role, const JsonEdit& edit);
  // Signs the model of `role` without placing anything.
  std::string SignedBytes(const std::string& role, const std::vector<PrivateKey>& keys,
                          const JsonEdit& edit = nullptr) const;

 private:
  void CreateRole(uptane::RoleName role);
  std::vector<PrivateKey> DefaultSigners(const std::string& role) const;
  nlohmann::json ModelJson(const std::string& role) const;
  void Place(const std::string& role, const std::string& bytes);
  void PlaceVersioned(const std::string& role, std::uint64_t version, const std::string& bytes);
  uptane::MetaFile MetaFor(const std::string& bytes, std::uint64_t version,
                           const MetaFileOptions& options) const;
  void ServeTargetContent(const std::string& name, const std::string& content);
  std::vector<PrivateKey> RootSignersFor(std::uint64_t version, RootSigners which) const;
  void ReplaceRoleKeys(uptane::RoleName role, const std::vector<PrivateKey>& keys,
                       std::uint32_t threshold);
  void ForgetUnusedKeys(const std::vector<uptane::KeyId>& keyids);

  SimulatedRepositoryOptions options_;
  uptane::Root root_;
  uptane::Timestamp timestamp_;
  uptane::Snapshot snapshot_;
  uptane::Targets targets_;
  std::map<std::string, uptane::Targets> delegated_;
  std::map<std::string, std::vector<PrivateKey>> signers_;
  std::map<std::uint64_t, std::vector<PrivateKey>> root_signers_by_version_;
  std::map<std::uint64_t, std::string> root_history_;
  std::map<std::string, std::string> signed_bytes_;
  FileMap files_;
};

}  // namespace otter::testing
