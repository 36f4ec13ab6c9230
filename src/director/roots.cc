// The shared Director root: creation, offline rotation, storage.
#include <soci/soci.h>

#include <algorithm>

#include "director/metadata_records.h"
#include "director/sql_util.h"
#include "uptane/signed_metadata.h"
#include "uptane/tuf_json.h"

namespace otter::director::internal {
namespace {

using uptane::RoleName;

Error BadRoot(const std::string& message) { return MakeError(DirectorErrc::kBadRoot, message); }

struct OnlineRole {
  RoleName role;
  const PrivateKey* key;
};

std::vector<OnlineRole> OnlineRoles(const DirectorKeys& keys) {
  return {{RoleName::kTargets, &keys.targets},
          {RoleName::kSnapshot, &keys.snapshot},
          {RoleName::kTimestamp, &keys.timestamp}};
}

void AddRole(uptane::Root& root, RoleName role, const PrivateKey& key) {
  const PublicKey public_key = key.public_key();
  root.keys.insert_or_assign(public_key.KeyId(), public_key);
  root.roles[role] = uptane::RoleKeys{.keyids = {public_key.KeyId()}, .threshold = 1};
}

Status CheckOnlineKey(const uptane::Root& root, RoleName role, const PrivateKey& key) {
  const std::string name(uptane::RoleNameString(role));
  auto keys = root.roles.find(role);
  const std::string keyid = key.KeyId();
  const bool listed = keys != root.roles.end() &&
                      std::find(keys->second.keyids.begin(), keys->second.keyids.end(), keyid) !=
                          keys->second.keyids.end();
  auto public_key = root.keys.find(keyid);
  if (!listed || public_key == root.keys.end() || !(public_key->second == key.public_key()))
    return BadRoot("the root does not list this server's online " + name + " key " + keyid);
  if (keys->second.threshold != 1)
    return BadRoot("the " + name + " role must have threshold 1 (one online key signs it)");
  return Ok();
}

}  // namespace

Result<std::optional<StoredRoot>> LatestRoot(soci::session& sql) {
  long long version = 0;
  std::string body;
  sql << "SELECT version, body FROM director_roots ORDER BY version DESC LIMIT 1",
      soci::into(version), soci::into(body);
  if (!sql.got_data()) return std::optional<StoredRoot>();
  return std::optional<StoredRoot>(StoredRoot{static_cast<std::uint64_t>(version), body});
}

Result<std::optional<std::string>> RootBody(soci::session& sql, std::uint64_t version) {
  const long long wanted = static_cast<long long>(version);
  std::string body;
  sql << "SELECT body FROM director_roots WHERE version = :version", soci::use(wanted),
      soci::into(body);
  if (!sql.got_data()) return std::optional<std::string>();
  return std::optional<std::string>(body);
}

Status InsertRoot(soci::session& sql, const StoredRoot& root, TimePoint now) {
  const long long version = static_cast<long long>(root.version);
  const long long created_at = Seconds(now);
  sql << "INSERT INTO director_roots (version, body, created_at)"
         " VALUES (:version, :body, :created_at)",
      soci::use(version), soci::use(root.body), soci::use(created_at);
  return Ok();
}

Result<std::string> SignFirstRoot(const PrivateKey& root_key, const DirectorKeys& keys,
                                  TimePoint expires) {
  uptane::Root root;
  root.version = 1;
  root.expires = expires;
  root.consistent_snapshot = true;
  AddRole(root, RoleName::kRoot, root_key);
  for (const OnlineRole& online : OnlineRoles(keys)) AddRole(root, online.role, *online.key);
  OTTER_ASSIGN(uptane::SignedMetadata signed_root,
               uptane::SignMetadata(uptane::ToJson(root), {&root_key}));
  return signed_root.bytes;
}

Status CheckOnlineKeys(const uptane::Root& root, const DirectorKeys& keys) {
  for (const OnlineRole& online : OnlineRoles(keys))
    OTTER_TRY(CheckOnlineKey(root, online.role, *online.key));
  return Ok();
}

Result<uptane::Root> ParseRootBytes(const std::string& bytes) {
  auto document = uptane::SignedMetadata::Parse(bytes);
  if (!document) return BadRoot(document.error().message());
  auto root = uptane::ParseRoot(document->signed_part);
  if (!root) return BadRoot(root.error().message());
  return root;
}

Status CheckRotation(const std::string& current, const std::string& next, const DirectorKeys& keys,
                     TimePoint now) {
  OTTER_ASSIGN(const uptane::Root old_root, ParseRootBytes(current));
  OTTER_ASSIGN(const uptane::Root new_root, ParseRootBytes(next));
  if (new_root.version != old_root.version + 1) {
    return BadRoot("the next root must be version " + std::to_string(old_root.version + 1) +
                   ", not " + std::to_string(new_root.version));
  }
  const auto document = uptane::SignedMetadata::Parse(next);
  for (const uptane::Root* signer : {&old_root, &new_root}) {
    const Status signed_by = uptane::VerifySignatures(*document, signer->keys,
                                                      signer->roles.at(RoleName::kRoot), "root");
    if (!signed_by) {
      return BadRoot(signed_by.error().message() + " (root v" + std::to_string(signer->version) +
                     " keys)");
    }
  }
  if (new_root.expires <= now) return BadRoot("the new root has already expired");
  return CheckOnlineKeys(new_root, keys);
}

}  // namespace otter::director::internal
