// Error codes of the storage module.
//
// Callers map them to answers: kConflict to HTTP 409, kNotFound to 404,
// kBusy to 503 (retry later), kNoSpace to 507, kTooLarge to 413.
#pragma once

#include <system_error>

#include "common/errors.h"

namespace otter::storage {

enum class StorageErrc {
  kDatabase = 1,     // any other SQL or connection failure
  kConflict,         // unique or primary-key violation
  kConstraint,       // foreign-key, NOT NULL or CHECK violation
  kNotFound,         // no such row or blob
  kBusy,             // lock or pool timeout, serialization failure: retry later
  kInvalidConfig,    // unusable database URL or store folder
  kInvalidArgument,  // malformed digest, reusing a finished writer
  kSchemaTooNew,     // the database was migrated by a newer otter-server
  kMigration,        // a migration failed (and was rolled back)
  kHashMismatch,     // blob bytes do not match the expected sha256
  kTooLarge,         // blob larger than the limit
  kNoSpace,          // disk full or quota exceeded
  kIo,               // other file-system failure
};

const std::error_category& StorageCategory();

inline std::error_code make_error_code(StorageErrc e) {  // NOLINT: ADL name
  return {static_cast<int>(e), StorageCategory()};
}

}  // namespace otter::storage

template <>
struct std::is_error_code_enum<otter::storage::StorageErrc> : std::true_type {};
