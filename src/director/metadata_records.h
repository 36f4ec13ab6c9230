// The Director root (director_roots) and each device's signed targets,
// snapshot and timestamp (director_metadata). Internal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "director/director.h"
#include "uptane/metadata.h"

namespace soci {
class session;
}

namespace otter::director::internal {

struct StoredRoot {
  std::uint64_t version = 0;
  std::string body;
};

Result<std::optional<StoredRoot>> LatestRoot(soci::session& sql);
Result<std::optional<std::string>> RootBody(soci::session& sql, std::uint64_t version);
Status InsertRoot(soci::session& sql, const StoredRoot& root, TimePoint now);

// Root v1 signed by `root_key`, with the online keys for the other roles.
Result<std::string> SignFirstRoot(const PrivateKey& root_key, const DirectorKeys& keys,
                                  TimePoint expires);
// kBadRoot unless `root` lists each online key for its role, threshold 1.
Status CheckOnlineKeys(const uptane::Root& root, const DirectorKeys& keys);
// The parsed root from stored or received bytes; kBadRoot when it is not one.
Result<uptane::Root> ParseRootBytes(const std::string& bytes);
// kBadRoot unless `next` may follow `current` (see Director::PutRoot).
Status CheckRotation(const std::string& current, const std::string& next, const DirectorKeys& keys,
                     TimePoint now);

// "targets", "snapshot", "timestamp".
struct StoredRole {
  std::uint64_t version = 0;
  std::string body;
  std::string digest;
  TimePoint expires{};
};

Result<std::optional<StoredRole>> LatestRole(soci::session& sql, const std::string& device_id,
                                             const std::string& role);
Result<std::optional<std::string>> RoleBody(soci::session& sql, const std::string& device_id,
                                            const std::string& role, std::uint64_t version);

// Decides which of a device's roles need a new version and signs them.
class DevicePublisher {
 public:
  DevicePublisher(const DirectorKeys& keys, const DirectorOptions& options, TimePoint now)
      : keys_(keys), options_(options), now_(now) {}

  // Whether a new version of any role is due. Reads only.
  Result<bool> Due(soci::session& sql, const std::string& device_id) const;
  // Signs and stores the due versions; run it in a write transaction.
  Status Publish(soci::session& sql, const std::string& device_id) const;

  struct NewVersion {
    std::uint64_t version = 1;
    TimePoint expires{};
  };

 private:
  struct Plan;
  Result<Plan> MakePlan(soci::session& sql, const std::string& device_id) const;
  NewVersion Next(const std::optional<StoredRole>& latest, std::chrono::seconds lifetime) const;
  // Signs the role's next version and stores it.
  Result<StoredRole> Store(soci::session& sql, const std::string& device_id, const char* role,
                           const NewVersion& next, const nlohmann::json& signed_part,
                           const PrivateKey& key, std::string digest) const;
  bool Expiring(const std::optional<StoredRole>& role, std::chrono::seconds lifetime) const;

  const DirectorKeys& keys_;
  const DirectorOptions& options_;
  TimePoint now_;
};

}  // namespace otter::director::internal
