#include "director/errors.h"

#include <string>

namespace otter::director {
namespace {

struct CodeInfo {
  unsigned status;
  std::string_view name;
  std::string_view message;
};

CodeInfo Info(DirectorErrc code) {
  switch (code) {
    case DirectorErrc::kMalformed:
      return {400, "malformed", "malformed request"};
    case DirectorErrc::kUnknownEcu:
      return {400, "unknown_ecu", "unknown ECU"};
    case DirectorErrc::kForeignEcu:
      return {403, "foreign_ecu", "ECU of another device"};
    case DirectorErrc::kBadSignature:
      return {400, "bad_signature", "bad signature"};
    case DirectorErrc::kStaleCounter:
      return {409, "stale_report_counter", "report counter did not increase"};
    case DirectorErrc::kNotRegistered:
      return {409, "ecus_not_registered", "the device has not registered its ECUs"};
    case DirectorErrc::kEcuTaken:
      return {409, "ecu_taken", "ECU serial registered by another device"};
    case DirectorErrc::kUnknownTarget:
      return {400, "unknown_target", "unknown target"};
    case DirectorErrc::kHardwareMismatch:
      return {400, "hardware_mismatch", "target not for this hardware"};
    case DirectorErrc::kEcuNotFound:
      return {404, "ecu_not_found", "ECU not found"};
    case DirectorErrc::kDeviceNotFound:
      return {404, "device_not_found", "device not found"};
    case DirectorErrc::kAssignmentOpen:
      return {409, "assignment_open", "the ECU already has an open assignment"};
    case DirectorErrc::kNoOpenAssignment:
      return {404, "no_open_assignment", "no open assignment"};
    case DirectorErrc::kMetadataNotFound:
      return {404, "not_found", "no such metadata"};
    case DirectorErrc::kBadRoot:
      return {400, "bad_root", "unacceptable root"};
    case DirectorErrc::kNoRoot:
      return {503, "director_not_initialized", "the Director has no root yet"};
  }
  return {500, "internal_error", "unknown"};
}

class DirectorCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "otter.director"; }
  std::string message(int value) const override {
    return std::string(Info(static_cast<DirectorErrc>(value)).message);
  }
};

}  // namespace

const std::error_category& DirectorCategory() {
  static const DirectorCategoryImpl category;
  return category;
}

unsigned HttpStatus(DirectorErrc code) { return Info(code).status; }

std::string_view CodeName(DirectorErrc code) { return Info(code).name; }

}  // namespace otter::director
