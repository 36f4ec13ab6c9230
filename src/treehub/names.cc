// Object names, checksums and ref names: what a client may ask for.
#include <ostree.h>

#include <array>
#include <utility>

#include "treehub/ostree_glue.h"
#include "treehub/treehub.h"

namespace otter::treehub {
namespace {

constexpr std::size_t kChecksumLength = 64;
constexpr std::size_t kMaxRefLength = 255;

constexpr std::array<std::pair<ObjectType, std::string_view>, 4> kExtensions{{
    {ObjectType::kCommit, "commit"},
    {ObjectType::kDirTree, "dirtree"},
    {ObjectType::kDirMeta, "dirmeta"},
    {ObjectType::kFile, "filez"},
}};

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view ObjectExtension(ObjectType type) {
  for (const auto& [known, extension] : kExtensions) {
    if (known == type) return extension;
  }
  return "filez";
}

std::string ObjectName::ToString() const {
  return checksum + "." + std::string(ObjectExtension(type));
}

Status ValidateChecksum(std::string_view checksum) {
  if (checksum.size() == kChecksumLength && IsLowerHex(checksum)) return Ok();
  return MakeError(TreehubErrc::kInvalidChecksum, "not a checksum (64 lowercase hex digits): '" +
                                                      std::string(checksum.substr(0, 80)) + "'");
}

Result<ObjectName> ParseObjectName(std::string_view name) {
  const auto dot = name.find('.');
  const std::string shown(name.substr(0, 100));
  if (dot == std::string_view::npos || !ValidateChecksum(name.substr(0, dot)).ok()) {
    return MakeError(TreehubErrc::kInvalidObjectName,
                     "not an object name ('<64 lowercase hex>.<type>'): '" + shown + "'");
  }
  const std::string_view extension = name.substr(dot + 1);
  for (const auto& [type, known] : kExtensions) {
    if (known == extension) return ObjectName{std::string(name.substr(0, dot)), type};
  }
  return MakeError(TreehubErrc::kUnknownObjectType,
                   "unknown object type '" + std::string(extension.substr(0, 20)) +
                       "' (commit, dirtree, dirmeta or filez): '" + shown + "'");
}

Status ValidateRefName(std::string_view ref) {
  const std::string name(ref.substr(0, kMaxRefLength + 1));
  auto invalid = [&](std::string_view why) {
    return MakeError(TreehubErrc::kInvalidRef,
                     "invalid ref name '" + name.substr(0, 100) + "': " + std::string(why));
  };
  if (ref.empty()) return invalid("empty");
  if (ref.size() > kMaxRefLength) return invalid("longer than 255 characters");
  if (ref.find('\0') != std::string_view::npos) return invalid("contains NUL");
  if (ref.front() == '/' || ref.find("..") != std::string_view::npos) {
    return invalid("'..' or a leading '/'");
  }
  if (ref.size() == kChecksumLength && IsHex(ref)) return invalid("reads as a commit checksum");
  internal::GlibError error;
  if (!ostree_validate_rev(name.c_str(), error.out())) return invalid(error.message());
  return Ok();
}

}  // namespace otter::treehub
