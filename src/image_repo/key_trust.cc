#include "image_repo/key_trust.h"

#include <algorithm>
#include <string>

#include "image_repo/errors.h"

namespace otter::image_repo {
namespace {

using uptane::RoleName;

std::string Requirement(RoleName role, const PrivateKey& key) {
  return std::string(uptane::RoleNameString(role)) + " key " + key.KeyId();
}

void AddKey(nlohmann::json& out, RoleName role, const PrivateKey& key) {
  const PublicKey public_key = key.public_key();
  out["keys"][public_key.KeyId()] = public_key.ToTufJson();
  out["roles"][std::string(uptane::RoleNameString(role))] = {
      {"keyids", nlohmann::json::array({public_key.KeyId()})}, {"threshold", 1}};
}

}  // namespace

bool TrustsKey(const uptane::Root& root, RoleName role, const PrivateKey& key) {
  const std::string keyid = key.KeyId();
  auto listed = root.keys.find(keyid);
  if (listed == root.keys.end() || !(listed->second == key.public_key())) return false;
  auto entry = root.roles.find(role);
  if (entry == root.roles.end() || entry->second.threshold != 1) return false;
  const auto& keyids = entry->second.keyids;
  return std::find(keyids.begin(), keyids.end(), keyid) != keyids.end();
}

Status CheckOnlineKeysTrusted(const uptane::Root& root, const OnlineKeys& keys) {
  std::string missing;
  for (auto [role, key] : {std::pair{RoleName::kSnapshot, &keys.snapshot},
                           std::pair{RoleName::kTimestamp, &keys.timestamp}}) {
    if (TrustsKey(root, role, *key)) continue;
    missing += (missing.empty() ? "" : ", ") + Requirement(role, *key);
  }
  if (missing.empty()) return Ok();
  return MakeError(ImageRepoErrc::kOnlineKeysNotTrusted,
                   "root v" + std::to_string(root.version) +
                       " must list the server's online keys with threshold 1: " + missing +
                       " (GET /api/v1/image-repo/online-keys)");
}

bool TrustsOnlineTargetsKey(const uptane::Root& root, const OnlineKeys& keys) {
  return keys.targets && TrustsKey(root, RoleName::kTargets, *keys.targets);
}

nlohmann::json OnlineKeysJson(const OnlineKeys& keys) {
  nlohmann::json out = {{"keys", nlohmann::json::object()}, {"roles", nlohmann::json::object()}};
  AddKey(out, RoleName::kSnapshot, keys.snapshot);
  AddKey(out, RoleName::kTimestamp, keys.timestamp);
  if (keys.targets) AddKey(out, RoleName::kTargets, *keys.targets);
  return out;
}

}  // namespace otter::image_repo
