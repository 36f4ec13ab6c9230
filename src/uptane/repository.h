// A TUF client for one repository (the Director or the Image repository):
// fetches, verifies through TrustedSet and persists every accepted file.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/result.h"
#include "common/time.h"
#include "uptane/fetcher.h"
#include "uptane/metadata_store.h"
#include "uptane/trusted_set.h"

namespace otter::uptane {

struct RepositoryLimits {
  std::uint64_t max_root_bytes = 512 * 1024;
  std::uint64_t max_timestamp_bytes = 16 * 1024;
  std::uint64_t max_snapshot_bytes = 2 * 1024 * 1024;  // when timestamp gives no length
  std::uint64_t max_targets_bytes = 8 * 1024 * 1024;   // when snapshot gives no length
  std::uint32_t max_root_rotations = 256;
  std::uint32_t max_delegations = 32;  // roles visited in one target search

  // The Director serves one device's small documents: tens of KiB at most.
  static RepositoryLimits ForDirector() {
    RepositoryLimits limits;
    limits.max_root_bytes = 64 * 1024;
    limits.max_snapshot_bytes = 64 * 1024;
    limits.max_targets_bytes = 64 * 1024;
    return limits;
  }
};

class Repository {
 public:
  // `name` ("director", "image") prefixes error messages. The store must
  // already hold a trusted "root".
  Repository(std::string name, MetadataStore& store, Fetcher& fetcher,
             RepositoryLimits limits = {});

  // Checks verified top-level targets before they are trusted and stored
  // (the Uptane Director-only checks).
  using TargetsCheck = std::function<Status(const Targets&)>;

  // Top-level refresh at the reference time `now`: root rotation, timestamp,
  // snapshot, targets. A file that fails a check (or `check`, for targets)
  // is never stored; files accepted before the failure stay stored.
  Status Refresh(TimePoint now, TargetsCheck check = {});

  // After Refresh: the trusted top-level targets.
  const Targets& targets() const;
  const Root& root() const;

  // Pre-order depth-first delegation search for `name`, fetching delegated
  // roles as needed. With `hardware_id`, delegations restricted to other
  // hardware are skipped. kTargetNotFound when no role on a matching path
  // lists it.
  Result<TargetFile> FindTarget(const std::string& name, TimePoint now,
                                const std::optional<std::string>& hardware_id = std::nullopt);

 private:
  Status LoadTrustedRoot();
  Status UpdateRoot(TimePoint now);
  Status UpdateTimestamp(TimePoint now);
  Status UpdateSnapshot(TimePoint now);
  Status UpdateTargets(const std::string& role, const std::string& delegator, TimePoint now);
  Status AcceptTargets(const std::string& role);
  Result<std::string> FetchMetadata(const std::string& path, std::uint64_t max_bytes);
  Error FetchError(const std::string& path, std::uint64_t max_bytes, const Error& error) const;
  Status Persist(const std::string& role);
  Error Fail(Error error) const;

  std::string name_;
  MetadataStore& store_;
  Fetcher& fetcher_;
  RepositoryLimits limits_;
  std::optional<TrustedSet> trusted_;
  TargetsCheck targets_check_;
};

}  // namespace otter::uptane
