// Building and signing the metadata the server signs itself. Internal.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "image_repo/image_repository.h"
#include "uptane/metadata.h"

namespace otter::image_repo {

// Signs `signed_part` (which carries "version" and "expires") as `role`.
Result<SignedFile> SignRole(uptane::RoleName role, const nlohmann::json& signed_part,
                            const std::vector<const PrivateKey*>& keys);

// The timestamp/snapshot entry of a signed file: version, length, sha256.
uptane::MetaFile MetaFileOf(const SignedFile& file);

Result<SignedFile> SignSnapshot(const SignedFile& targets, std::uint64_t version, TimePoint expires,
                                const PrivateKey& key);
Result<SignedFile> SignTimestamp(const SignedFile& snapshot, std::uint64_t version,
                                 TimePoint expires, const PrivateKey& key);

// Root v1 of a quick-start repository: `root_key` for root, the online keys
// for the other roles, threshold 1 each, consistent snapshots.
Result<SignedFile> SignQuickStartRoot(const PrivateKey& root_key, const OnlineKeys& keys,
                                      TimePoint expires);

// The `signed` part of a stored file; a database error when it does not
// parse (stored files are written by the server itself).
Result<nlohmann::json> SignedPartOf(const SignedFile& file);
Error Unreadable(const SignedFile& file, const Error& error);

// `{"_type": "targets", ..., "targets": {}}` at version 0: the base that the
// first online change turns into version 1.
nlohmann::json EmptyTargets();

}  // namespace otter::image_repo
