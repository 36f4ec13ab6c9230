#include "image_repo/signer.h"

#include "common/hash.h"
#include "storage/errors.h"
#include "uptane/signed_metadata.h"
#include "uptane/tuf_json.h"

namespace otter::image_repo {
namespace {

using uptane::RoleName;

void AddRoleKey(uptane::Root& root, RoleName role, const PrivateKey& key) {
  const PublicKey public_key = key.public_key();
  root.keys.insert_or_assign(public_key.KeyId(), public_key);
  root.roles[role].keyids = {public_key.KeyId()};
  root.roles[role].threshold = 1;
}

}  // namespace

Result<SignedFile> SignRole(RoleName role, const nlohmann::json& signed_part,
                            const std::vector<const PrivateKey*>& keys) {
  OTTER_ASSIGN(uptane::SignedMetadata signed_metadata, uptane::SignMetadata(signed_part, keys));
  OTTER_ASSIGN(TimePoint expires, ParseTime(signed_part.at("expires").get<std::string>()));
  SignedFile file;
  file.role = role;
  file.version = signed_part.at("version").get<std::uint64_t>();
  file.expires = expires;
  file.body = std::move(signed_metadata.bytes);
  return file;
}

uptane::MetaFile MetaFileOf(const SignedFile& file) {
  uptane::MetaFile meta;
  meta.version = file.version;
  meta.length = file.body.size();
  meta.hashes["sha256"] = Sha256Hex(file.body);
  return meta;
}

Result<SignedFile> SignSnapshot(const SignedFile& targets, std::uint64_t version, TimePoint expires,
                                const PrivateKey& key) {
  uptane::Snapshot snapshot;
  snapshot.version = version;
  snapshot.expires = expires;
  snapshot.meta["targets.json"] = MetaFileOf(targets);
  return SignRole(RoleName::kSnapshot, uptane::ToJson(snapshot), {&key});
}

Result<SignedFile> SignTimestamp(const SignedFile& snapshot, std::uint64_t version,
                                 TimePoint expires, const PrivateKey& key) {
  uptane::Timestamp timestamp;
  timestamp.version = version;
  timestamp.expires = expires;
  timestamp.snapshot = MetaFileOf(snapshot);
  return SignRole(RoleName::kTimestamp, uptane::ToJson(timestamp), {&key});
}

Result<SignedFile> SignQuickStartRoot(const PrivateKey& root_key, const OnlineKeys& keys,
                                      TimePoint expires) {
  uptane::Root root;
  root.version = 1;
  root.expires = expires;
  root.consistent_snapshot = true;
  AddRoleKey(root, RoleName::kRoot, root_key);
  AddRoleKey(root, RoleName::kTargets, *keys.targets);
  AddRoleKey(root, RoleName::kSnapshot, keys.snapshot);
  AddRoleKey(root, RoleName::kTimestamp, keys.timestamp);
  return SignRole(RoleName::kRoot, uptane::ToJson(root), {&root_key});
}

Error Unreadable(const SignedFile& file, const Error& error) {
  const std::string name =
      uptane::MetadataFileName(uptane::RoleNameString(file.role), file.version);
  return MakeError(storage::StorageErrc::kDatabase,
                   "stored " + name + " is unreadable: " + error.message());
}

Result<nlohmann::json> SignedPartOf(const SignedFile& file) {
  auto metadata = uptane::SignedMetadata::Parse(file.body);
  if (!metadata) return Unreadable(file, metadata.error());
  return std::move(metadata->signed_part);
}

nlohmann::json EmptyTargets() {
  uptane::Targets targets;
  targets.version = 0;
  return uptane::ToJson(targets);
}

}  // namespace otter::image_repo
