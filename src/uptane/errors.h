// Error codes of the uptane module. Each one names the class of attack (or
// fault) it reveals, so that a refusal can be reported in the ECU manifest's
// `attacks_detected`.
#pragma once

#include <string_view>
#include <system_error>

#include "common/errors.h"

namespace otter::uptane {

enum class UptaneErrc {
  kMalformed = 1,     // not JSON, wrong schema, wrong _type, threshold 0
  kBadSignature,      // threshold of valid signatures not reached
  kExpired,           // freeze attack
  kRollback,          // version (or releaseCounter) lower than trusted
  kBadVersion,        // root N+1 claiming another version
  kMixAndMatch,       // version, length or hash differs from the parent's entry
  kEndlessData,       // more bytes than the cap or the listed length
  kTargetNotFound,    // no trusted target of that name
  kTargetMismatch,    // Director and Image repository targets differ
  kBadHardwareId,     // target not for this ECU's hardware
  kDirectorSanity,    // Director targets with delegations or duplicate ECUs
  kUnknownEcu,        // Director names an ECU this device does not have
  kWrongDevice,       // Director targets for another device
  kBadHash,           // image bytes do not match every listed hash
  kFetchFailed,       // network fault (404, 500, timeout): not an attack
  kStorage,           // local trusted-state storage failed
};

const std::error_category& UptaneCategory();

inline std::error_code make_error_code(UptaneErrc e) {  // NOLINT: ADL name
  return {static_cast<int>(e), UptaneCategory()};
}

// The short name used in `attacks_detected` ("FreezeAttack", ...), or an empty
// view for codes that are faults rather than attacks.
std::string_view AttackName(std::error_code code);

}  // namespace otter::uptane

template <>
struct std::is_error_code_enum<otter::uptane::UptaneErrc> : std::true_type {};
