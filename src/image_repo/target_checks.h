// What a target must satisfy before the repository publishes it. Internal.
#pragma once

#include <string_view>

#include "common/result.h"
#include "image_repo/image_repository.h"
#include "storage/blob_store.h"
#include "uptane/metadata.h"

namespace otter::image_repo {

inline constexpr std::size_t kMaxTargetNameBytes = 1024;

// A name that is safe as a path: 1 to 1024 bytes, no leading '/', no empty,
// "." or ".." segment, no backslash, no control character.
Status ValidateTargetName(std::string_view name);

// The entry itself: a safe name; hashes.sha256 present, every hash
// lowercase hex of a known algorithm (sha256, sha512); targetFormat OSTREE,
// BINARY, COMPOSE or none; an OSTREE target has length 0 and only sha256
// (the commit); a uri is http:// or https://.
Status ValidateTarget(const uptane::TargetFile& target);

// Whether the entry's content is there: an OSTREE commit in the OSTree
// repository; other targets without a uri in the blob store with the
// listed length (and, with `check_extra_hashes`, every other listed hash,
// which means reading the blob).
Status CheckTargetContent(const uptane::TargetFile& target, const storage::BlobStore& blobs,
                          const OstreeCommitCheck& ostree_commit_exists, bool check_extra_hashes);

// Whether the repository serves the target's content from its blob store:
// not an OSTree commit, no uri, and a sha256.
bool ServedFromBlobStore(const uptane::TargetFile& target);

}  // namespace otter::image_repo
