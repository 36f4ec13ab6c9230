// The trusted metadata of one TUF repository and the rules for accepting new
// metadata into it (TUF 1.0.x client workflow, §5.3 to §5.6). Pure: no I/O,
// no clock; callers pass bytes and the cycle's reference time.
//
// Every Update* either accepts the new document or leaves the set as it was.
// The one exception mirrors TUF's "expiry is checked last": a timestamp or
// snapshot that verifies but has expired is kept as the rollback baseline,
// and the call still fails with kExpired.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/result.h"
#include "common/time.h"
#include "uptane/metadata.h"
#include "uptane/signed_metadata.h"

namespace otter::uptane {

class TrustedSet {
 public:
  // The trusted root must be signed by a threshold of its own root keys.
  // Its expiry is not checked here (see CheckRootFinal).
  static Result<TrustedSet> Create(std::string root_bytes);

  // Root N+1: signed by a threshold of root N's and of its own root keys,
  // version exactly N+1. Forgets timestamp and snapshot when their keys
  // changed (fast-forward attack recovery).
  Status UpdateRoot(std::string bytes);
  Status CheckRootFinal(TimePoint now) const;

  // Returns true when the timestamp is new, false when it has the trusted
  // version (then the trusted one is kept).
  Result<bool> UpdateTimestamp(std::string bytes, TimePoint now);
  // `from_storage`: the bytes were persisted by an earlier cycle; they serve
  // as the rollback baseline and are not checked against the timestamp's
  // hashes. A stored snapshot that is not the one the timestamp names fails
  // with kMixAndMatch but stays as the baseline.
  Status UpdateSnapshot(std::string bytes, TimePoint now, bool from_storage);
  // Top-level targets ("targets") or a delegated role, checked against the
  // snapshot entry and signed by the keys `delegator` gives it.
  Status UpdateTargets(std::string bytes, TimePoint now, const std::string& role = "targets",
                       const std::string& delegator = "root");
  // A version seen for `role` earlier (from storage): a lower one is rollback.
  void SetTargetsBaseline(const std::string& role, std::uint64_t version);

  const Root& root() const { return root_; }
  const SignedMetadata& root_metadata() const { return root_signed_; }
  const Timestamp* timestamp() const { return timestamp_ ? &*timestamp_ : nullptr; }
  const Snapshot* snapshot() const { return snapshot_ ? &*snapshot_ : nullptr; }
  const Targets* targets(const std::string& role = "targets") const;
  const SignedMetadata* signed_metadata(const std::string& role) const;

 private:
  TrustedSet(Root root, SignedMetadata root_signed)
      : root_(std::move(root)), root_signed_(std::move(root_signed)) {}

  Result<const MetaFile*> SnapshotEntry(const std::string& role) const;
  Result<std::pair<const KeyMap*, RoleKeys>> DelegatedKeys(const std::string& role,
                                                            const std::string& delegator) const;

  Root root_;
  SignedMetadata root_signed_;
  std::optional<Timestamp> timestamp_;
  std::optional<Snapshot> snapshot_;
  std::map<std::string, Targets> targets_;
  std::map<std::string, SignedMetadata> signed_;  // accepted bytes by role
  std::map<std::string, std::uint64_t> targets_baseline_;
};

}  // namespace otter::uptane
