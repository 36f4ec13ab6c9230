#include "image_repo/target_checks.h"

#include <algorithm>
#include <fstream>

#include "common/hash.h"
#include "image_repo/errors.h"

namespace otter::image_repo {
namespace {

Error Invalid(const std::string& name, const std::string& why) {
  return MakeError(ImageRepoErrc::kInvalidTarget, "target \"" + name + "\": " + why);
}

bool IsControl(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

bool IsLowerHex(std::string_view text, std::size_t length) {
  return text.size() == length && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool SafeSegment(std::string_view segment) {
  return !segment.empty() && segment != "." && segment != "..";
}

bool SafeSegments(std::string_view name) {
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = name.find('/', start);
    if (!SafeSegment(name.substr(start, slash - start))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

Status ValidateHashes(const uptane::TargetFile& target) {
  if (!target.hashes.contains("sha256")) return Invalid(target.name, "hashes.sha256 is missing");
  for (const auto& [algorithm, digest] : target.hashes) {
    auto known = ParseHashAlgorithm(algorithm);
    if (!known) return Invalid(target.name, "unsupported hash algorithm " + algorithm);
    const std::size_t length = *known == HashAlgorithm::kSha256 ? 64 : 128;
    if (!IsLowerHex(digest, length))
      return Invalid(target.name,
                     "hashes." + algorithm + " is not lowercase hex of the right length");
  }
  return Ok();
}

Status ValidateFormat(const uptane::TargetFile& target) {
  const std::string& format = target.custom.target_format;
  if (format != "" && format != "OSTREE" && format != "BINARY" && format != "COMPOSE")
    return Invalid(target.name, "targetFormat must be OSTREE, BINARY or COMPOSE, not " + format);
  if (format == "OSTREE" && (target.length != 0 || target.hashes.size() != 1))
    return Invalid(target.name,
                   "an OSTREE target has length 0 and only hashes.sha256 (the commit)");
  const std::string& uri = target.custom.uri;
  if (!uri.empty() && !uri.starts_with("https://") && !uri.starts_with("http://"))
    return Invalid(target.name, "uri must be an http:// or https:// URL");
  if (std::any_of(uri.begin(), uri.end(), IsControl))
    return Invalid(target.name, "uri holds a control character");
  return Ok();
}

Error Missing(const uptane::TargetFile& target, const std::string& why) {
  return MakeError(ImageRepoErrc::kMissingContent,
                   "target \"" + target.name + "\": " + why +
                       " (upload its content first: PUT /api/v1/image-repo/content)");
}

Result<std::string> HashFile(const std::filesystem::path& path, HashAlgorithm algorithm) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return MakeError(CommonErrc::kIo, "cannot read blob " + path.string());
  Hasher hasher(algorithm);
  std::string buffer(64 * 1024, '\0');
  while (file.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || file.gcount() > 0)
    hasher.Update(std::string_view(buffer.data(), static_cast<std::size_t>(file.gcount())));
  if (file.bad()) return MakeError(CommonErrc::kIo, "cannot read blob " + path.string());
  return hasher.FinishHex();
}

Status CheckExtraHashes(const uptane::TargetFile& target, const storage::BlobInfo& blob) {
  for (const auto& [algorithm, digest] : target.hashes) {
    if (algorithm == "sha256") continue;
    OTTER_ASSIGN(std::string actual, HashFile(blob.path, *ParseHashAlgorithm(algorithm)));
    if (actual != digest)
      return Missing(target, "the uploaded content's " + algorithm + " differs");
  }
  return Ok();
}

Status CheckBlob(const uptane::TargetFile& target, const storage::BlobStore& blobs,
                 bool check_extra_hashes) {
  auto blob = blobs.Open(target.hashes.at("sha256"));
  if (!blob && blob.error().Is(storage::StorageErrc::kNotFound))
    return Missing(target, "no content with sha256 " + target.hashes.at("sha256"));
  if (!blob) return std::move(blob).error();
  if (blob->size != target.length)
    return Missing(target, "the content is " + std::to_string(blob->size) + " bytes, not " +
                               std::to_string(target.length));
  return check_extra_hashes ? CheckExtraHashes(target, *blob) : Ok();
}

Status CheckCommit(const uptane::TargetFile& target, const OstreeCommitCheck& exists) {
  if (!exists)
    return Invalid(target.name, "this server has no OSTree repository for OSTREE targets");
  const std::string& commit = target.hashes.at("sha256");
  OTTER_ASSIGN(bool found, exists(commit));
  if (found) return Ok();
  return MakeError(ImageRepoErrc::kUnknownCommit,
                   "target \"" + target.name + "\": OSTree commit " + commit +
                       " is not in the server's OSTree repository (push it first)");
}

}  // namespace

Status ValidateTargetName(std::string_view name) {
  const std::string shown(name.substr(0, 200));
  if (name.empty() || name.size() > kMaxTargetNameBytes)
    return Invalid(shown, "a name has 1 to " + std::to_string(kMaxTargetNameBytes) + " bytes");
  if (std::any_of(name.begin(), name.end(), IsControl))
    return MakeError(ImageRepoErrc::kInvalidTarget, "a target name holds a control character");
  if (name.find('\\') != std::string_view::npos)
    return Invalid(shown, "the name holds a backslash");
  if (name.front() == '/' || !SafeSegments(name))
    return Invalid(shown, "the name must be a relative path without empty, . or .. segments");
  return Ok();
}

Status ValidateTarget(const uptane::TargetFile& target) {
  OTTER_TRY(ValidateTargetName(target.name));
  OTTER_TRY(ValidateHashes(target));
  return ValidateFormat(target);
}

bool ServedFromBlobStore(const uptane::TargetFile& target) {
  return target.custom.target_format != "OSTREE" && target.custom.uri.empty() &&
         target.hashes.contains("sha256");
}

Status CheckTargetContent(const uptane::TargetFile& target, const storage::BlobStore& blobs,
                          const OstreeCommitCheck& ostree_commit_exists, bool check_extra_hashes) {
  if (target.custom.target_format == "OSTREE") return CheckCommit(target, ostree_commit_exists);
  if (!ServedFromBlobStore(target)) return Ok();
  return CheckBlob(target, blobs, check_extra_hashes);
}

}  // namespace otter::image_repo
