// Each device's targets, snapshot and timestamp: when a new version is due,
// what it says, and signing it.
#include <soci/soci.h>

#include "common/canonical_json.h"
#include "common/hash.h"
#include "director/assignment_records.h"
#include "director/ecu_records.h"
#include "director/metadata_records.h"
#include "director/sql_util.h"
#include "uptane/signed_metadata.h"
#include "uptane/tuf_json.h"

namespace otter::director::internal {
namespace {

using nlohmann::json;

constexpr const char* kTargets = "targets";
constexpr const char* kSnapshot = "snapshot";
constexpr const char* kTimestamp = "timestamp";

// The Director targets for the assignments served now, without version and
// expiry: one entry per target name, naming every ECU it is for.
uptane::Targets DesiredTargets(const std::string& device_id, const std::vector<Ecu>& ecus,
                               const std::vector<Assignment>& group) {
  uptane::Targets targets;
  targets.custom = {{"deviceId", device_id}};
  for (const Assignment& assignment : group) {
    const Ecu* ecu = FindEcu(ecus, assignment.ecu_serial);
    if (ecu == nullptr) continue;
    auto [entry, added] = targets.targets.try_emplace(assignment.target.name, assignment.target);
    entry->second.custom.ecu_hardware_ids[ecu->serial] = ecu->hardware_id;
    targets.custom["correlationId"] = assignment.correlation_id;
  }
  return targets;
}

Result<std::string> TargetsDigest(std::uint64_t root_version, const uptane::Targets& targets) {
  json files = json::object();
  for (const auto& [name, target] : targets.targets) files[name] = uptane::ToJson(target);
  OTTER_ASSIGN(
      std::string canonical,
      CanonicalJson({{"root", root_version}, {"targets", files}, {"custom", targets.custom}}));
  return Sha256Hex(canonical);
}

std::string ChainDigest(std::uint64_t root_version, std::string_view parent,
                        std::uint64_t parent_version) {
  return Sha256Hex("root=" + std::to_string(root_version) + ";" + std::string(parent) + "=" +
                   std::to_string(parent_version));
}

std::uint64_t NextVersion(const std::optional<StoredRole>& latest) {
  return latest ? latest->version + 1 : 1;
}

uptane::MetaFile MetaOf(std::uint64_t version, const std::string& body) {
  return {.version = version, .length = body.size(), .hashes = {{"sha256", Sha256Hex(body)}}};
}

Status InsertRole(soci::session& sql, const std::string& device_id, const std::string& role,
                  const StoredRole& stored, TimePoint now) {
  const long long version = static_cast<long long>(stored.version);
  const long long expires_at = Seconds(stored.expires);
  const long long created_at = Seconds(now);
  sql << "INSERT INTO director_metadata (device_id, role, version, body, digest, expires_at,"
         " created_at) VALUES (:device_id, :role, :version, :body, :digest, :expires_at,"
         " :created_at)",
      soci::use(device_id), soci::use(role), soci::use(version), soci::use(stored.body),
      soci::use(stored.digest), soci::use(expires_at), soci::use(created_at);
  return Ok();
}

Result<StoredRole> Sign(const json& signed_part, const PrivateKey& key, std::string digest,
                        TimePoint expires, std::uint64_t version) {
  OTTER_ASSIGN(uptane::SignedMetadata document, uptane::SignMetadata(signed_part, {&key}));
  return StoredRole{version, std::move(document.bytes), std::move(digest), expires};
}

json TargetsJson(uptane::Targets targets, const DevicePublisher::NewVersion& next) {
  targets.version = next.version;
  targets.expires = next.expires;
  return uptane::ToJson(targets);
}

json SnapshotJson(const StoredRole& targets, const DevicePublisher::NewVersion& next) {
  uptane::Snapshot snapshot;
  snapshot.version = next.version;
  snapshot.expires = next.expires;
  snapshot.meta["targets.json"] = MetaOf(targets.version, targets.body);
  return uptane::ToJson(snapshot);
}

json TimestampJson(const StoredRole& snapshot, const DevicePublisher::NewVersion& next) {
  uptane::Timestamp timestamp;
  timestamp.version = next.version;
  timestamp.expires = next.expires;
  timestamp.snapshot = MetaOf(snapshot.version, snapshot.body);
  return uptane::ToJson(timestamp);
}

}  // namespace

struct DevicePublisher::Plan {
  std::uint64_t root_version = 0;
  std::optional<StoredRole> targets, snapshot, timestamp;  // the latest stored
  uptane::Targets desired;
  std::string targets_digest;
  bool new_targets = false, new_snapshot = false, new_timestamp = false;

  std::uint64_t targets_version() const {
    return new_targets ? NextVersion(targets) : targets->version;
  }
  std::uint64_t snapshot_version() const {
    return new_snapshot ? NextVersion(snapshot) : snapshot->version;
  }
};

Result<std::optional<StoredRole>> LatestRole(soci::session& sql, const std::string& device_id,
                                             const std::string& role) {
  StoredRole stored;
  long long version = 0, expires_at = 0;
  sql << "SELECT version, body, digest, expires_at FROM director_metadata"
         " WHERE device_id = :device_id AND role = :role ORDER BY version DESC LIMIT 1",
      soci::use(device_id), soci::use(role), soci::into(version), soci::into(stored.body),
      soci::into(stored.digest), soci::into(expires_at);
  if (!sql.got_data()) return std::optional<StoredRole>();
  stored.version = static_cast<std::uint64_t>(version);
  stored.expires = FromSeconds(expires_at);
  return std::optional<StoredRole>(std::move(stored));
}

Result<std::optional<std::string>> RoleBody(soci::session& sql, const std::string& device_id,
                                            const std::string& role, std::uint64_t version) {
  const long long wanted = static_cast<long long>(version);
  std::string body;
  sql << "SELECT body FROM director_metadata"
         " WHERE device_id = :device_id AND role = :role AND version = :version",
      soci::use(device_id), soci::use(role), soci::use(wanted), soci::into(body);
  if (!sql.got_data()) return std::optional<std::string>();
  return std::optional<std::string>(body);
}

bool DevicePublisher::Expiring(const std::optional<StoredRole>& role,
                               std::chrono::seconds lifetime) const {
  return !role || now_ + lifetime / 2 >= role->expires;
}

Result<DevicePublisher::Plan> DevicePublisher::MakePlan(soci::session& sql,
                                                        const std::string& device_id) const {
  Plan plan;
  OTTER_ASSIGN(const auto root, LatestRoot(sql));
  if (!root) return MakeError(DirectorErrc::kNoRoot, "the Director has no root yet");
  plan.root_version = root->version;
  OTTER_ASSIGN(const auto ecus, LoadEcus(sql, device_id));
  OTTER_ASSIGN(const auto open, OpenAssignments(sql, device_id));
  plan.desired = DesiredTargets(device_id, ecus, ServedGroup(open));
  OTTER_ASSIGN(plan.targets_digest, TargetsDigest(plan.root_version, plan.desired));
  OTTER_ASSIGN(plan.targets, LatestRole(sql, device_id, kTargets));
  OTTER_ASSIGN(plan.snapshot, LatestRole(sql, device_id, kSnapshot));
  OTTER_ASSIGN(plan.timestamp, LatestRole(sql, device_id, kTimestamp));
  plan.new_targets = Expiring(plan.targets, options_.targets_lifetime) ||
                     plan.targets->digest != plan.targets_digest;
  plan.new_snapshot =
      plan.new_targets || Expiring(plan.snapshot, options_.snapshot_lifetime) ||
      plan.snapshot->digest != ChainDigest(plan.root_version, kTargets, plan.targets_version());
  plan.new_timestamp =
      plan.new_snapshot || Expiring(plan.timestamp, options_.timestamp_lifetime) ||
      plan.timestamp->digest != ChainDigest(plan.root_version, kSnapshot, plan.snapshot_version());
  return plan;
}

Result<bool> DevicePublisher::Due(soci::session& sql, const std::string& device_id) const {
  OTTER_ASSIGN(const Plan plan, MakePlan(sql, device_id));
  return plan.new_timestamp;
}

Result<StoredRole> DevicePublisher::Store(soci::session& sql, const std::string& device_id,
                                          const char* role, const NewVersion& next,
                                          const nlohmann::json& signed_part, const PrivateKey& key,
                                          std::string digest) const {
  OTTER_ASSIGN(StoredRole stored,
               Sign(signed_part, key, std::move(digest), next.expires, next.version));
  OTTER_TRY(InsertRole(sql, device_id, role, stored, now_));
  return stored;
}

DevicePublisher::NewVersion DevicePublisher::Next(const std::optional<StoredRole>& latest,
                                                  std::chrono::seconds lifetime) const {
  return {NextVersion(latest), now_ + lifetime};
}

Status DevicePublisher::Publish(soci::session& sql, const std::string& device_id) const {
  OTTER_ASSIGN(Plan plan, MakePlan(sql, device_id));
  if (plan.new_targets) {
    const NewVersion next = Next(plan.targets, options_.targets_lifetime);
    OTTER_ASSIGN(plan.targets,
                 Store(sql, device_id, kTargets, next, TargetsJson(plan.desired, next),
                       keys_.targets, plan.targets_digest));
  }
  if (plan.new_snapshot) {
    const NewVersion next = Next(plan.snapshot, options_.snapshot_lifetime);
    OTTER_ASSIGN(
        plan.snapshot,
        Store(sql, device_id, kSnapshot, next, SnapshotJson(*plan.targets, next), keys_.snapshot,
              ChainDigest(plan.root_version, kTargets, plan.targets->version)));
  }
  if (plan.new_timestamp) {
    const NewVersion next = Next(plan.timestamp, options_.timestamp_lifetime);
    OTTER_ASSIGN(
        plan.timestamp,
        Store(sql, device_id, kTimestamp, next, TimestampJson(*plan.snapshot, next),
              keys_.timestamp, ChainDigest(plan.root_version, kSnapshot, plan.snapshot->version)));
  }
  return Ok();
}

}  // namespace otter::director::internal
