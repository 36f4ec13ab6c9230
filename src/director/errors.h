// Error codes of the director module, with the HTTP status and the JSON
// `code` each one is answered with (routes.h uses them; so may others).
#pragma once

#include <string_view>
#include <system_error>

#include "common/errors.h"

namespace otter::director {

enum class DirectorErrc {
  kMalformed = 1,     // 400 malformed: a body that does not follow the schema
  kUnknownEcu,        // 400 unknown_ecu: the device never registered this ECU
  kForeignEcu,        // 403 foreign_ecu: the ECU belongs to another device
  kBadSignature,      // 400 bad_signature: not signed by the registered ECU key
  kStaleCounter,      // 409 stale_report_counter: report_counter did not increase
  kNotRegistered,     // 409 ecus_not_registered: the device has no ECUs yet
  kEcuTaken,          // 409 ecu_taken: a serial already registered by another device
  kUnknownTarget,     // 400 unknown_target: no such target in the Image repository
  kHardwareMismatch,  // 400 hardware_mismatch: the target is not for the ECU's hardware
  kEcuNotFound,       // 404 ecu_not_found: the device has no ECU with that serial
  kDeviceNotFound,    // 404 device_not_found
  kAssignmentOpen,    // 409 assignment_open: the ECU already has an open assignment
  kNoOpenAssignment,  // 404 no_open_assignment: nothing to cancel
  kMetadataNotFound,  // 404 not_found: no such Director metadata file
  kBadRoot,           // 400 bad_root: a root rotation that cannot be accepted
  kNoRoot,            // 503 director_not_initialized: no Director root yet
};

const std::error_category& DirectorCategory();

inline std::error_code make_error_code(DirectorErrc e) {  // NOLINT: ADL name
  return {static_cast<int>(e), DirectorCategory()};
}

unsigned HttpStatus(DirectorErrc code);
std::string_view CodeName(DirectorErrc code);  // "unknown_ecu", ...

}  // namespace otter::director

template <>
struct std::is_error_code_enum<otter::director::DirectorErrc> : std::true_type {};
