#include "uptane/errors.h"

namespace otter::uptane {
namespace {

class UptaneCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "otter.uptane"; }
  std::string message(int value) const override {
    switch (static_cast<UptaneErrc>(value)) {
      case UptaneErrc::kMalformed: return "malformed metadata";
      case UptaneErrc::kBadSignature: return "signature threshold not met";
      case UptaneErrc::kExpired: return "metadata expired";
      case UptaneErrc::kRollback: return "version rollback";
      case UptaneErrc::kBadVersion: return "unexpected version";
      case UptaneErrc::kMixAndMatch: return "metadata does not match its parent";
      case UptaneErrc::kEndlessData: return "more data than allowed";
      case UptaneErrc::kTargetNotFound: return "target not found";
      case UptaneErrc::kTargetMismatch: return "Director and Image targets differ";
      case UptaneErrc::kBadHardwareId: return "wrong hardware id";
      case UptaneErrc::kDirectorSanity: return "invalid Director targets";
      case UptaneErrc::kUnknownEcu: return "unknown ECU";
      case UptaneErrc::kWrongDevice: return "metadata for another device";
      case UptaneErrc::kBadHash: return "image hash mismatch";
      case UptaneErrc::kFetchFailed: return "fetch failed";
      case UptaneErrc::kStorage: return "trusted storage failed";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& UptaneCategory() {
  static const UptaneCategoryImpl category;
  return category;
}

std::string_view AttackName(std::error_code code) {
  if (code.category() != UptaneCategory()) return {};
  switch (static_cast<UptaneErrc>(code.value())) {
    case UptaneErrc::kMalformed: return "MalformedMetadata";
    case UptaneErrc::kBadSignature: return "BadSignature";
    case UptaneErrc::kExpired: return "FreezeAttack";
    case UptaneErrc::kRollback: return "RollbackAttack";
    case UptaneErrc::kBadVersion: return "BadVersion";
    case UptaneErrc::kMixAndMatch: return "MixAndMatchAttack";
    case UptaneErrc::kEndlessData: return "EndlessDataAttack";
    case UptaneErrc::kTargetMismatch: return "ArbitrarySoftwareAttack";
    case UptaneErrc::kBadHardwareId: return "BadHardwareId";
    case UptaneErrc::kDirectorSanity: return "InvalidDirectorTargets";
    case UptaneErrc::kUnknownEcu: return "UnknownEcu";
    case UptaneErrc::kWrongDevice: return "ReplayAttack";
    case UptaneErrc::kBadHash: return "WrongSoftwareAttack";
    case UptaneErrc::kTargetNotFound:
    case UptaneErrc::kFetchFailed:
    case UptaneErrc::kStorage: return {};
  }
  return {};
}

}  // namespace otter::uptane
