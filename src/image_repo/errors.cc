#include "image_repo/errors.h"

#include <string>

namespace otter::image_repo {
namespace {

class ImageRepoCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "otter.image_repo"; }
  std::string message(int value) const override {
    return std::string(ErrorCodeName(static_cast<ImageRepoErrc>(value)));
  }
};

}  // namespace

const std::error_category& ImageRepoCategory() {
  static const ImageRepoCategoryImpl category;
  return category;
}

std::string_view ErrorCodeName(ImageRepoErrc code) {
  switch (code) {
    case ImageRepoErrc::kInvalidMetadata:
      return "invalid_metadata";
    case ImageRepoErrc::kBadSignature:
      return "bad_signature";
    case ImageRepoErrc::kBadVersion:
      return "bad_version";
    case ImageRepoErrc::kChangedMeanwhile:
      return "changed_meanwhile";
    case ImageRepoErrc::kInvalidTarget:
      return "invalid_target";
    case ImageRepoErrc::kMissingContent:
      return "missing_content";
    case ImageRepoErrc::kUnknownCommit:
      return "unknown_commit";
    case ImageRepoErrc::kOnlineKeysNotTrusted:
      return "online_keys_not_trusted";
    case ImageRepoErrc::kTargetsSignedOffline:
      return "targets_signed_offline";
    case ImageRepoErrc::kNotInitialized:
      return "not_initialized";
    case ImageRepoErrc::kNotFound:
      return "not_found";
    case ImageRepoErrc::kBusy:
      return "busy";
  }
  return "unknown";
}

}  // namespace otter::image_repo
