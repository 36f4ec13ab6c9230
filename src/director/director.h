// The Director repository and the device records of otter-server.
//
// Devices register their ECUs, operators assign Image-repository targets to
// ECUs, and each device polls its own Director metadata: the shared Director
// root and per-device targets/snapshot/timestamp signed with online keys.
// The device reports back with signed version manifests (uptane/manifest.h),
// events and device data; the Director closes assignments from them and
// derives each device's status.
//
//   Director director(database, std::move(keys), image_repo_lookup, clock);
//   OTTER_TRY(director.InitializeRoot(root_key));  // once; root v1
//   OTTER_TRY(director.RegisterEcus("dev-1", registration_json));
//   OTTER_ASSIGN(auto assigned, director.Assign("dev-1", "myos-42"));
//   OTTER_ASSIGN(std::string bytes, director.Metadata("dev-1", "timestamp.json"));
//
// Per-device metadata is signed once and served from the database until the
// device's open assignments change, the Director root changes, or a role
// passes half of its lifetime; then new targets, snapshot and timestamp
// versions (as needed) are signed. Versions strictly increase per device and
// role, also with several servers on one database (primary keys and write
// transactions).
//
// The device id given to the device-side calls must come from the device's
// certificate (api::ForDevice): a device only reaches its own records.
//
// Errors: DirectorErrc (director/errors.h, with HTTP statuses), StorageErrc
// for database failures. Bad input changes nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "common/time.h"
#include "director/errors.h"
#include "uptane/metadata.h"

namespace otter::storage {
class Database;
}

namespace otter::director {

// The Director's online keys (the root key is only needed to create root v1).
struct DirectorKeys {
  PrivateKey targets;
  PrivateKey snapshot;
  PrivateKey timestamp;
};

struct DirectorOptions {
  std::chrono::seconds root_lifetime = std::chrono::days(365);
  std::chrono::seconds targets_lifetime = std::chrono::days(7);
  std::chrono::seconds snapshot_lifetime = std::chrono::days(7);
  std::chrono::seconds timestamp_lifetime = std::chrono::days(1);
  // A device's last_seen is written at most this often.
  std::chrono::seconds seen_resolution = std::chrono::seconds(60);
};

// Looks up a target of the Image repository by name. A "not found" error
// (CommonErrc, StorageErrc or UptaneErrc) means no such target.
using FindImageTarget = std::function<Result<uptane::TargetFile>(std::string_view name)>;

struct InstalledImage {
  std::string filepath{};
  std::uint64_t length = 0;
  std::string sha256{};
};

struct Ecu {
  std::string serial{};
  std::string hardware_id{};
  nlohmann::json public_key{};  // TUF key object
  bool primary = false;
  std::optional<std::uint64_t> report_counter{};  // the last accepted
  std::optional<InstalledImage> installed{};      // from the last manifest
  TimePoint updated_at{};
};

enum class AssignmentStatus { kPending, kInFlight, kSucceeded, kFailed, kCancelled };
// "pending", "in_flight", "succeeded", "failed", "cancelled".
std::string_view AssignmentStatusName(AssignmentStatus status);

struct Assignment {
  std::string correlation_id{};
  std::string device_id{};
  std::string ecu_serial{};
  uptane::TargetFile target{};  // as the Image repository listed it when assigned
  AssignmentStatus status = AssignmentStatus::kPending;
  std::string result_code{};  // set when closed
  std::string result_description{};
  TimePoint created_at{};
  std::optional<TimePoint> closed_at{};

  bool open() const {
    return status == AssignmentStatus::kPending || status == AssignmentStatus::kInFlight;
  }
};

// AssignByHardwareId: what was assigned, and the ECUs left out (with why).
struct SkippedEcu {
  std::string device_id{};
  std::string ecu_serial{};
  std::string reason{};
};
struct HardwareAssignment {
  std::vector<Assignment> assigned{};
  std::vector<SkippedEcu> skipped{};
};

struct ReportRecord {
  std::string correlation_id{};
  bool success = false;
  std::string code{};
  std::string description{};
  nlohmann::json report{};  // the installation report as sent
  TimePoint received_at{};
};

struct EventRecord {
  std::string id{};
  std::string type{};         // eventType.id
  std::string device_time{};  // as sent
  std::string ecu_serial{};   // "" when the event names none
  std::string correlation_id{};
  nlohmann::json event{};  // the whole event as sent
  TimePoint received_at{};
};

enum class DeviceDataKind { kSystemInfo, kNetwork, kConfig, kInstalledPackages };
// "system_info", "network", "config", "installed_packages".
std::string_view DeviceDataKindName(DeviceDataKind kind);

enum class DeviceState { kNotSeen, kUpToDate, kUpdatePending, kUpdateFailed };
// "not_seen", "up_to_date", "update_pending", "update_failed".
std::string_view DeviceStateName(DeviceState state);

struct DeviceStatus {
  DeviceState state = DeviceState::kNotSeen;
  std::string reason{};  // update_failed: "INSTALL_FAILED: rolled back"
};

struct DeviceSummary {
  std::string device_id{};
  TimePoint created_at{};
  bool revoked = false;
  std::optional<TimePoint> last_seen{};
  DeviceStatus status{};
};

struct DeviceDetails {
  DeviceSummary summary{};
  std::vector<Ecu> ecus{};  // the primary first
  std::vector<Assignment> open_assignments{};
  // Latest device data by kind name; JSON kinds parsed, "config" as a string.
  std::map<std::string, nlohmann::json> data{};
  std::optional<TimePoint> last_manifest_at{};
};

struct DeviceHistory {
  std::vector<Assignment> assignments{};  // newest first
  std::vector<ReportRecord> reports{};    // newest first
};

struct ListOptions {
  std::size_t offset = 0;
  std::size_t limit = 100;  // at most 1000
};

class Director {
 public:
  Director(storage::Database& database, DirectorKeys keys, FindImageTarget find_image_target,
           const Clock& clock, DirectorOptions options = {});

  // --- Director root (shared by every device) ---

  // Creates root v1 when there is none: `root_key` for root, the online
  // keys for targets, snapshot and timestamp, threshold 1 each, consistent
  // snapshots. When a root exists, only checks that it lists the online keys
  // (kBadRoot otherwise: the server's keys changed; rotate the root first).
  Status InitializeRoot(const PrivateKey& root_key);
  // Accepts root N+1 signed offline: kBadRoot unless it parses, is the next
  // version, is signed by the thresholds of both the current and its own
  // root role, and lists this server's online keys for targets, snapshot
  // and timestamp (threshold 1).
  Status PutRoot(std::string bytes);
  // The newest root version; kNoRoot before InitializeRoot.
  Result<std::uint64_t> RootVersion();
  // The bytes of root `version`, or of the newest; kMetadataNotFound.
  Result<std::string> Root(std::optional<std::uint64_t> version = std::nullopt);

  // --- Device side: the device id comes from its certificate ---

  // {"primary_ecu_serial", "ecus": [{"ecu_serial", "hardware_identifier",
  // "clientKey"}]}. Registering the same set again changes nothing (returns
  // false); a changed set replaces the old one (returns true), cancelling
  // open assignments of ECUs that are gone or changed hardware. A serial
  // held by another device is kEcuTaken.
  Result<bool> RegisterEcus(std::string_view device_id, const nlohmann::json& registration);

  // The bytes of `filename`: "N.root.json" / "root.json" (newest),
  // "timestamp.json", "snapshot.json" / "N.snapshot.json",
  // "targets.json" / "N.targets.json". kMetadataNotFound for another name or
  // a version that does not exist. Re-signs what is due first, and records
  // the device as seen (root files do neither: they are the same for all).
  Result<std::string> Metadata(std::string_view device_id, std::string_view filename);

  // A signed device manifest (uptane/manifest.h). Refuses, storing nothing:
  // kMalformed, kNotRegistered, kUnknownEcu (the primary or a report's ECU
  // is not the device's), kForeignEcu (another device's ECU), kBadSignature,
  // kStaleCounter (a report_counter not above the last accepted). Then
  // records each ECU's installed image and counter, stores the installation
  // report, closes the open assignments it names (succeeded or failed, with
  // code and description), and closes as succeeded any open assignment
  // whose ECU now runs its target (name and sha256).
  Status ProcessManifest(std::string_view device_id, std::string bytes);

  // A JSON array of events; each stored once per event id (a resent event is
  // ignored). Returns how many were new. An event with a correlationId
  // moves that pending assignment to in_flight. kMalformed refuses the lot.
  Result<std::size_t> StoreEvents(std::string_view device_id, const nlohmann::json& events);

  // The latest device data of a kind: system_info and network must be JSON
  // objects, installed_packages a JSON array, config any UTF-8 text.
  Status StoreDeviceData(std::string_view device_id, DeviceDataKind kind, std::string_view body);

  // --- Operator side ---

  // Assigns a target of the Image repository to one ECU of a device (the
  // primary by default): kDeviceNotFound, kNotRegistered, kEcuNotFound,
  // kUnknownTarget, kHardwareMismatch, kAssignmentOpen.
  Result<Assignment> Assign(std::string_view device_id, std::string_view target_name,
                            const std::optional<std::string>& ecu_serial = std::nullopt);
  // Assigns the target to every ECU of that hardware id, one correlation id
  // per device. ECUs with an open assignment (or a revoked device) are
  // skipped. kUnknownTarget, kHardwareMismatch.
  Result<HardwareAssignment> AssignByHardwareId(std::string_view hardware_id,
                                                std::string_view target_name);
  // Cancels every open assignment of the device; kNoOpenAssignment when
  // there is none. Returns the cancelled assignments.
  Result<std::vector<Assignment>> Cancel(std::string_view device_id);

  Result<DeviceStatus> StatusOf(std::string_view device_id);
  Result<std::vector<DeviceSummary>> ListDevices(const ListOptions& options = {});
  Result<DeviceDetails> ShowDevice(std::string_view device_id);
  Result<DeviceHistory> History(std::string_view device_id);
  // Newest first, at most `limit` (capped at 1000).
  Result<std::vector<EventRecord>> Events(std::string_view device_id, std::size_t limit = 100);

 private:
  // Records that the device called, at most once per seen_resolution.
  Status Seen(const std::string& device_id);
  // Signs the device's metadata versions that are due.
  Status Refresh(const std::string& device_id);

  storage::Database& database_;
  DirectorKeys keys_;
  FindImageTarget find_image_target_;
  const Clock& clock_;
  DirectorOptions options_;
};

}  // namespace otter::director
