// Operators assign Image-repository targets to ECUs, and cancel them.
#include <soci/soci.h>

#include <algorithm>
#include <map>

#include "director/assignment_records.h"
#include "director/device_records.h"
#include "director/director.h"
#include "director/ecu_records.h"
#include "director/sql_util.h"
#include "storage/database.h"
#include "uptane/errors.h"

namespace otter::director {
namespace {

using namespace internal;  // NOLINT: the module's own records

bool IsNotFound(const Error& error) {
  return error.Is(CommonErrc::kNotFound) || error.Is(storage::StorageErrc::kNotFound) ||
         error.Is(uptane::UptaneErrc::kTargetNotFound);
}

Result<uptane::TargetFile> LookUpTarget(const FindImageTarget& find, std::string_view name) {
  if (name.empty()) return Malformed("a target name is required");
  auto target =
      find ? find(name) : Result<uptane::TargetFile>(MakeError(CommonErrc::kNotFound, ""));
  if (target) return target;
  if (IsNotFound(target.error())) {
    return MakeError(DirectorErrc::kUnknownTarget,
                     "the Image repository has no target " + std::string(name));
  }
  return std::move(target).error().WithContext("looking up target " + std::string(name));
}

Status CheckHardware(const uptane::TargetFile& target, const std::string& hardware_id) {
  const auto& ids = target.custom.hardware_ids;
  if (std::find(ids.begin(), ids.end(), hardware_id) != ids.end()) return Ok();
  return MakeError(DirectorErrc::kHardwareMismatch,
                   "target " + target.name + " is not for hardware " + hardware_id);
}

Result<const Ecu*> ChooseEcu(const std::vector<Ecu>& ecus, const std::string& device_id,
                             const std::optional<std::string>& serial) {
  if (ecus.empty()) {
    return MakeError(DirectorErrc::kNotRegistered,
                     "device " + device_id + " has not registered its ECUs yet");
  }
  const Ecu* ecu = serial ? FindEcu(ecus, *serial) : PrimaryEcu(ecus);
  if (ecu == nullptr) {
    return MakeError(DirectorErrc::kEcuNotFound,
                     "device " + device_id + " has no ECU " + serial.value_or("(primary)"));
  }
  return ecu;
}

Status CheckDevice(soci::session& sql, const std::string& device_id) {
  OTTER_ASSIGN(const auto device, FindDevice(sql, device_id));
  if (!device) return MakeError(DirectorErrc::kDeviceNotFound, "no device " + device_id);
  return Ok();
}

Assignment NewAssignment(std::string correlation_id, std::string device_id, std::string ecu_serial,
                         const uptane::TargetFile& target, TimePoint now) {
  Assignment assignment;
  assignment.correlation_id = std::move(correlation_id);
  assignment.device_id = std::move(device_id);
  assignment.ecu_serial = std::move(ecu_serial);
  assignment.target = target;
  assignment.created_at = now;
  return assignment;
}

// Inserts the assignment unless the ECU already has an open one.
Result<bool> TryAssign(soci::session& sql, const Assignment& assignment) {
  OTTER_ASSIGN(const bool open, HasOpenAssignment(sql, assignment.ecu_serial));
  if (open) return false;
  OTTER_TRY(InsertAssignment(sql, assignment));
  return true;
}

}  // namespace

Result<Assignment> Director::Assign(std::string_view device_id, std::string_view target_name,
                                    const std::optional<std::string>& ecu_serial) {
  OTTER_ASSIGN(const uptane::TargetFile target, LookUpTarget(find_image_target_, target_name));
  OTTER_ASSIGN(std::string correlation_id, NewUuid());
  const std::string device(device_id);
  const TimePoint now = clock_.Now();
  return database_.WithTransaction([&](soci::session& sql) -> Result<Assignment> {
    OTTER_TRY(CheckDevice(sql, device));
    OTTER_ASSIGN(const auto ecus, LoadEcus(sql, device));
    OTTER_ASSIGN(const Ecu* ecu, ChooseEcu(ecus, device, ecu_serial));
    OTTER_TRY(CheckHardware(target, ecu->hardware_id));
    Assignment assignment = NewAssignment(correlation_id, device, ecu->serial, target, now);
    OTTER_ASSIGN(const bool assigned, TryAssign(sql, assignment));
    if (!assigned) {
      return MakeError(DirectorErrc::kAssignmentOpen,
                       "ECU " + ecu->serial + " of device " + device +
                           " already has an open assignment; cancel it first");
    }
    return assignment;
  });
}

Result<HardwareAssignment> Director::AssignByHardwareId(std::string_view hardware_id,
                                                        std::string_view target_name) {
  const std::string hardware(hardware_id);
  OTTER_ASSIGN(const uptane::TargetFile target, LookUpTarget(find_image_target_, target_name));
  OTTER_TRY(CheckHardware(target, hardware));
  const TimePoint now = clock_.Now();
  return database_.WithTransaction([&](soci::session& sql) -> Result<HardwareAssignment> {
    HardwareAssignment result;
    std::map<std::string, std::string> correlation_ids;  // one per device
    OTTER_ASSIGN(const auto ecus, EcusWithHardware(sql, hardware));
    for (const HardwareEcu& ecu : ecus) {
      if (ecu.revoked) {
        result.skipped.push_back({ecu.device_id, ecu.serial, "the device is revoked"});
        continue;
      }
      if (!correlation_ids.contains(ecu.device_id)) {
        OTTER_ASSIGN(correlation_ids[ecu.device_id], NewUuid());
      }
      Assignment assignment =
          NewAssignment(correlation_ids[ecu.device_id], ecu.device_id, ecu.serial, target, now);
      OTTER_ASSIGN(const bool assigned, TryAssign(sql, assignment));
      if (assigned) {
        result.assigned.push_back(std::move(assignment));
      } else {
        result.skipped.push_back({ecu.device_id, ecu.serial, "the ECU has an open assignment"});
      }
    }
    return result;
  });
}

Result<std::vector<Assignment>> Director::Cancel(std::string_view device_id) {
  const std::string device(device_id);
  const TimePoint now = clock_.Now();
  return database_.WithTransaction([&](soci::session& sql) -> Result<std::vector<Assignment>> {
    OTTER_TRY(CheckDevice(sql, device));
    OTTER_ASSIGN(std::vector<Assignment> open, OpenAssignments(sql, device));
    if (open.empty()) {
      return MakeError(DirectorErrc::kNoOpenAssignment,
                       "device " + device + " has no open assignment");
    }
    const Closing closing{AssignmentStatus::kCancelled, "CANCELLED", "cancelled by an operator"};
    for (Assignment& assignment : open) {
      OTTER_TRY(CloseAssignment(sql, assignment, closing, now));
      assignment.status = closing.status;
      assignment.result_code = closing.code;
      assignment.result_description = closing.description;
      assignment.closed_at = now;
    }
    return open;
  });
}

}  // namespace otter::director
