#include "cli/root_metadata.h"

#include <algorithm>
#include <set>

#include "cli/errors.h"
#include "uptane/trusted_set.h"
#include "uptane/tuf_json.h"

namespace otter::cli {
namespace {

using nlohmann::json;
using uptane::RoleName;

Error BadOnlineKeys(const std::string& why) {
  return MakeError(CliErrc::kServer, "the server's online keys: " + why);
}

Result<RoleKeySet> ParseOnlineRole(const json& body, const json& role) {
  RoleKeySet set;
  set.threshold = role.value("threshold", 1U);
  for (const json& keyid : role.at("keyids")) {
    const json& key = body.at("keys").at(keyid.get<std::string>());
    OTTER_ASSIGN(PublicKey parsed, PublicKey::FromTufJson(key));
    set.keys.push_back(std::move(parsed));
  }
  return set;
}

Result<OnlineKeys> ParseOnlineKeysUnguarded(const json& body) {
  OnlineKeys online;
  for (RoleName role : {RoleName::kSnapshot, RoleName::kTimestamp, RoleName::kTargets}) {
    const std::string name(uptane::RoleNameString(role));
    if (!body.at("roles").contains(name)) continue;
    auto set = ParseOnlineRole(body, body.at("roles").at(name));
    if (!set) return BadOnlineKeys(name + ": " + set.error().message());
    online.roles[role] = std::move(set).value();
  }
  if (!online.roles.contains(RoleName::kSnapshot) || !online.roles.contains(RoleName::kTimestamp))
    return BadOnlineKeys("no snapshot or timestamp key");
  return online;
}

Status CheckThreshold(const RoleKeySet& set, std::string_view role) {
  if (set.threshold >= 1 && set.threshold <= set.keys.size()) return Ok();
  return MakeError(CliErrc::kUsage, "the " + std::string(role) + " threshold " +
                                        std::to_string(set.threshold) + " needs 1 to " +
                                        std::to_string(set.keys.size()) + " keys");
}

void SetRole(uptane::Root& root, RoleName role, const RoleKeySet& set) {
  uptane::RoleKeys& entry = root.roles[role];
  entry.keyids.clear();
  entry.threshold = set.threshold;
  for (const PublicKey& key : set.keys) {
    const std::string keyid = key.KeyId();
    root.keys.insert_or_assign(keyid, key);
    if (std::find(entry.keyids.begin(), entry.keyids.end(), keyid) == entry.keyids.end())
      entry.keyids.push_back(keyid);
  }
}

// Keeps only the keys that some role lists.
void DropUnusedKeys(uptane::Root& root) {
  std::set<std::string> used;
  for (const auto& [role, keys] : root.roles) used.insert(keys.keyids.begin(), keys.keyids.end());
  std::erase_if(root.keys, [&](const auto& entry) { return !used.contains(entry.first); });
}

std::vector<const PrivateKey*> DistinctKeys(std::vector<const PrivateKey*> keys) {
  std::vector<const PrivateKey*> distinct;
  std::set<std::string> seen;
  for (const PrivateKey* key : keys) {
    if (seen.insert(key->KeyId()).second) distinct.push_back(key);
  }
  return distinct;
}

Result<uptane::Root> ParseCurrentRoot(const std::string& bytes) {
  auto metadata = uptane::SignedMetadata::Parse(bytes);
  if (!metadata) return MakeError(CliErrc::kServer, "current root: " + metadata.error().message());
  auto root = uptane::ParseRoot(metadata->signed_part);
  if (!root) return MakeError(CliErrc::kServer, "current root: " + root.error().message());
  return root;
}

Result<uptane::Root> NextRoot(const std::string& current_bytes, const RootRotation& rotation) {
  OTTER_ASSIGN(uptane::Root root, ParseCurrentRoot(current_bytes));
  RoleKeySet new_root{{}, rotation.threshold};
  for (const PrivateKey* key : rotation.new_keys) new_root.keys.push_back(key->public_key());
  OTTER_TRY(CheckThreshold(new_root, "root"));
  root.version += 1;
  root.expires = rotation.expires;
  SetRole(root, RoleName::kRoot, new_root);
  if (rotation.targets) {
    OTTER_TRY(CheckThreshold(*rotation.targets, "targets"));
    SetRole(root, RoleName::kTargets, *rotation.targets);
  }
  DropUnusedKeys(root);
  return root;
}

}  // namespace

Result<OnlineKeys> ParseOnlineKeys(const json& body) {
  try {
    return ParseOnlineKeysUnguarded(body);
  } catch (const json::exception& error) {
    return BadOnlineKeys(error.what());
  }
}

Result<uptane::Root> BuildInitialRoot(const InitialRoot& plan) {
  OTTER_TRY(CheckThreshold(plan.root, "root"));
  OTTER_TRY(CheckThreshold(plan.targets, "targets"));
  uptane::Root root;
  root.version = 1;
  root.expires = plan.expires;
  root.consistent_snapshot = true;
  SetRole(root, RoleName::kRoot, plan.root);
  SetRole(root, RoleName::kTargets, plan.targets);
  for (RoleName role : {RoleName::kSnapshot, RoleName::kTimestamp}) {
    auto online = plan.online.roles.find(role);
    if (online == plan.online.roles.end())
      return MakeError(CliErrc::kInvalidInput,
                       "no online key for " + std::string(uptane::RoleNameString(role)));
    SetRole(root, role, online->second);
  }
  return root;
}

Result<uptane::SignedMetadata> SignRoot(const uptane::Root& root,
                                        const std::vector<const PrivateKey*>& signers) {
  OTTER_ASSIGN(uptane::SignedMetadata signed_root,
               uptane::SignMetadata(uptane::ToJson(root), DistinctKeys(signers)));
  auto verified =
      uptane::VerifySignatures(signed_root, root.keys, root.roles.at(RoleName::kRoot), "root");
  if (!verified)
    return MakeError(CliErrc::kUsage, "the root keys given do not reach the root threshold: " +
                                          verified.error().message());
  return signed_root;
}

Result<uptane::SignedMetadata> RotateRoot(const std::string& current_bytes,
                                          const RootRotation& rotation) {
  OTTER_ASSIGN(uptane::Root next, NextRoot(current_bytes, rotation));
  std::vector<const PrivateKey*> signers = rotation.old_keys;
  signers.insert(signers.end(), rotation.new_keys.begin(), rotation.new_keys.end());
  OTTER_ASSIGN(uptane::SignedMetadata signed_root,
               uptane::SignMetadata(uptane::ToJson(next), DistinctKeys(signers)));
  auto trusted = uptane::TrustedSet::Create(current_bytes);
  if (!trusted) return MakeError(CliErrc::kServer, "current root: " + trusted.error().message());
  if (auto rotated = trusted->UpdateRoot(signed_root.bytes); !rotated)
    return MakeError(CliErrc::kInvalidInput,
                     "root v" + std::to_string(next.version) +
                         " would not verify: " + rotated.error().message() +
                         " (--old-key must reach the current root threshold)");
  return signed_root;
}

}  // namespace otter::cli
