// Error codes of the image_repo module. routes.cc answers them with these
// HTTP statuses (the code string is the JSON "code"):
//   kInvalidMetadata       400 invalid_metadata
//   kBadSignature          400 bad_signature
//   kBadVersion            409 bad_version
//   kChangedMeanwhile      412 changed_meanwhile
//   kInvalidTarget         400 invalid_target
//   kMissingContent        400 missing_content
//   kUnknownCommit         400 unknown_commit
//   kOnlineKeysNotTrusted  400 online_keys_not_trusted
//   kTargetsSignedOffline  409 targets_signed_offline
//   kNotInitialized        409 not_initialized
//   kNotFound              404 not_found
//   kBusy                  503 busy
#pragma once

#include <string_view>
#include <system_error>

#include "common/errors.h"

namespace otter::image_repo {

enum class ImageRepoErrc {
  kInvalidMetadata = 1,   // not TUF JSON of the role, expired, unsupported feature
  kBadSignature,          // signature threshold not met
  kBadVersion,            // version is not the current one + 1
  kChangedMeanwhile,      // the caller's expected targets version is no longer current
  kInvalidTarget,         // unsafe name, bad hashes, length or format
  kMissingContent,        // target content not in the blob store (or size/hash differ)
  kUnknownCommit,         // OSTree commit not in the server's OSTree repository
  kOnlineKeysNotTrusted,  // root does not list the server's online keys
  kTargetsSignedOffline,  // AddTarget on a server without an online targets key
  kNotInitialized,        // no root yet
  kNotFound,              // no such metadata version or target content
  kBusy,                  // another server signed at the same moment: retry
};

const std::error_category& ImageRepoCategory();

inline std::error_code make_error_code(ImageRepoErrc e) {  // NOLINT: ADL name
  return {static_cast<int>(e), ImageRepoCategory()};
}

// The snake_case code of the JSON error body ("changed_meanwhile").
std::string_view ErrorCodeName(ImageRepoErrc code);

}  // namespace otter::image_repo

template <>
struct std::is_error_code_enum<otter::image_repo::ImageRepoErrc> : std::true_type {};
