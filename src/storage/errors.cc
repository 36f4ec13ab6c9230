#include "storage/errors.h"

#include <string>

namespace otter::storage {
namespace {

class StorageCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "otter.storage"; }
  std::string message(int value) const override {
    switch (static_cast<StorageErrc>(value)) {
      case StorageErrc::kDatabase:
        return "database error";
      case StorageErrc::kConflict:
        return "already exists";
      case StorageErrc::kConstraint:
        return "constraint violated";
      case StorageErrc::kNotFound:
        return "not found";
      case StorageErrc::kBusy:
        return "busy, retry later";
      case StorageErrc::kInvalidConfig:
        return "invalid storage configuration";
      case StorageErrc::kInvalidArgument:
        return "invalid argument";
      case StorageErrc::kSchemaTooNew:
        return "database schema is newer than this program";
      case StorageErrc::kMigration:
        return "schema migration failed";
      case StorageErrc::kHashMismatch:
        return "hash mismatch";
      case StorageErrc::kTooLarge:
        return "too large";
      case StorageErrc::kNoSpace:
        return "no space left";
      case StorageErrc::kIo:
        return "I/O error";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& StorageCategory() {
  static const StorageCategoryImpl category;
  return category;
}

}  // namespace otter::storage
