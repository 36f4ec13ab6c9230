// SQL access to the image_repo tables, inside a session the caller holds
// (a transaction for writes). SOCI exceptions propagate to the Database
// boundary, which turns them into Errors. Internal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/time.h"
#include "image_repo/image_repository.h"

namespace otter::image_repo {

// Serialises signing transactions across servers: the first statement of
// every one of them (a row lock on PostgreSQL, held until commit).
void LockRepository(soci::session& sql);

std::optional<SignedFile> LatestRow(soci::session& sql, uptane::RoleName role);
std::optional<SignedFile> RowAt(soci::session& sql, uptane::RoleName role, std::uint64_t version);
// The newest version and expiry of a role, without its body.
struct RowHead {
  std::uint64_t version = 0;
  TimePoint expires{};
};
std::optional<RowHead> LatestHead(soci::session& sql, uptane::RoleName role);

// StorageErrc::kConflict (from the database) when the version exists.
void InsertRow(soci::session& sql, const SignedFile& file, TimePoint now);

// Records (name, sha256, length) of every target with a sha256; known pairs
// are left alone.
void RecordTargetFiles(soci::session& sql, const uptane::Targets& targets, TimePoint now);
bool TargetFileKnown(soci::session& sql, const std::string& name, const std::string& sha256);

}  // namespace otter::image_repo
