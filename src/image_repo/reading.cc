// Reading the repository: signed files by version, the current targets and
// the content behind a target path.
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "image_repo/errors.h"
#include "image_repo/image_repository.h"
#include "image_repo/metadata_rows.h"
#include "image_repo/repository_state.h"
#include "image_repo/signer.h"
#include "image_repo/target_checks.h"
#include "uptane/tuf_json.h"

namespace otter::image_repo {
namespace {

using uptane::RoleName;

Error NoFile(RoleName role, std::optional<std::uint64_t> version) {
  return MakeError(ImageRepoErrc::kNotFound,
                   "no " + uptane::MetadataFileName(uptane::RoleNameString(role), version));
}

Error NoContent(std::string_view path, const std::string& why) {
  return MakeError(ImageRepoErrc::kNotFound, "no content for target \"" + std::string(path) + "\"" +
                                                 (why.empty() ? "" : ": " + why));
}

// "<dir>/<sha256>.<basename>" -> ("<dir>/<basename>", sha256).
std::optional<std::pair<std::string, std::string>> SplitHashedPath(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::size_t start = slash == std::string_view::npos ? 0 : slash + 1;
  const std::string_view segment = path.substr(start);
  if (segment.size() < 66 || segment[64] != '.') return std::nullopt;
  const std::string sha256(segment.substr(0, 64));
  if (!storage::IsSha256Hex(sha256)) return std::nullopt;
  return std::pair{std::string(path.substr(0, start)) + std::string(segment.substr(65)), sha256};
}

Result<storage::BlobInfo> OpenBlob(const storage::BlobStore& blobs, std::string_view path,
                                   const std::string& sha256) {
  auto blob = blobs.Open(sha256);
  if (!blob && blob.error().Is(storage::StorageErrc::kNotFound))
    return NoContent(path, "the content is missing from the blob store");
  return blob;
}

}  // namespace

Status ImageRepository::RefreshIfDue() {
  auto refreshed = RefreshExpiring(clock_.Now());
  if (refreshed) return Ok();
  spdlog::error("image repository: signing expiring metadata: {}", refreshed.error().message());
  return std::move(refreshed).error();
}

Result<SignedFile> ImageRepository::Read(RoleName role, std::optional<std::uint64_t> version) {
  Status refreshed = Ok();
  const bool latest_online =
      !version && (role == RoleName::kTimestamp || role == RoleName::kSnapshot);
  if (latest_online) refreshed = RefreshIfDue();
  OTTER_ASSIGN(auto file, database_.WithSession([&](soci::session& sql) -> Result<SignedFile> {
    auto row = version ? RowAt(sql, role, *version) : LatestRow(sql, role);
    if (!row) return NoFile(role, version);
    return std::move(*row);
  }));
  // Never serve an expired timestamp or snapshot the server failed to renew.
  if (latest_online && !refreshed && file.expires <= clock_.Now())
    return MakeError(ImageRepoErrc::kBusy, std::string(uptane::RoleNameString(role)) +
                                               " expired and could not be signed again");
  return file;
}

Result<std::shared_ptr<const uptane::Targets>> ImageRepository::ParsedCurrentTargets() {
  OTTER_ASSIGN(auto head,
               database_.WithSession([&](soci::session& sql) -> Result<std::optional<RowHead>> {
                 return LatestHead(sql, RoleName::kTargets);
               }));
  if (!head) {
    auto empty = std::make_shared<uptane::Targets>();
    empty->version = 0;
    return std::shared_ptr<const uptane::Targets>(std::move(empty));
  }
  {
    std::lock_guard lock(cache_->mutex);
    if (cache_->targets && cache_->targets->version == head->version) return cache_->targets;
  }
  OTTER_ASSIGN(SignedFile file, Read(RoleName::kTargets, head->version));
  OTTER_ASSIGN(nlohmann::json signed_part, SignedPartOf(file));
  auto parsed = uptane::ParseTargets(signed_part);
  if (!parsed) return Unreadable(file, parsed.error());
  auto targets = std::make_shared<const uptane::Targets>(std::move(parsed).value());
  std::lock_guard lock(cache_->mutex);
  if (!cache_->targets || cache_->targets->version < targets->version) cache_->targets = targets;
  return targets;
}

Result<uptane::Targets> ImageRepository::ListTargets() {
  OTTER_ASSIGN(auto targets, ParsedCurrentTargets());
  return *targets;
}

Result<storage::BlobInfo> ImageRepository::TargetContent(std::string_view path) {
  if (auto hashed = SplitHashedPath(path)) {
    OTTER_ASSIGN(bool known, database_.WithSession([&](soci::session& sql) -> Result<bool> {
      return TargetFileKnown(sql, hashed->first, hashed->second);
    }));
    if (known) return OpenBlob(blobs_, path, hashed->second);
  }
  OTTER_ASSIGN(auto targets, ParsedCurrentTargets());
  auto found = targets->targets.find(std::string(path));
  if (found == targets->targets.end()) return NoContent(path, "");
  const uptane::TargetFile& target = found->second;
  if (!ServedFromBlobStore(target))
    return NoContent(path, target.custom.target_format == "OSTREE"
                               ? "an OSTree commit is pulled from the OSTree repository"
                               : "it is served from " + target.custom.uri);
  return OpenBlob(blobs_, path, target.hashes.at("sha256"));
}

}  // namespace otter::image_repo
