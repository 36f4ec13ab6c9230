// A TUF client for one repository (the Director or the Image repository):
// fetches, verifies through TrustedSet and persists every accepted file.
#pragma once

#include <cstdint>
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
};

class Repository {
 public:
  // `name` ("director", "image") prefixes error messages. The store must
  // already hold a trusted "root".
  Repository(std::string name, MetadataStore& store, Fetcher& fetcher,
             RepositoryLimits limits = {});

  // Top-level refresh at the reference time `now`: root rotation, timestamp,
  // snapshot, targets. On failure the persisted state is unchanged except
  // for roots accepted before the failure.
  Status Refresh(TimePoint now);

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
  Result<std::string> FetchMetadata(const std::string& path, std::uint64_t max_bytes);
  Status Persist(const std::string& role);
  Error Fail(Error error) const;

  std::string name_;
  MetadataStore& store_;
  Fetcher& fetcher_;
  RepositoryLimits limits_;
  std::optional<TrustedSet> trusted_;
};

}  // namespace otter::uptane
