#include "support/repository_simulator.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "support/must.h"
#include "uptane/signed_metadata.h"
#include "uptane/tuf_json.h"

namespace otter::testing {
namespace {

using nlohmann::json;
using uptane::RoleName;

constexpr RoleName kTopLevelRoles[] = {RoleName::kRoot, RoleName::kTimestamp, RoleName::kSnapshot,
                                       RoleName::kTargets};

RoleName TopLevelRole(const std::string& role) {
  for (RoleName name : kTopLevelRoles) {
    if (uptane::RoleNameString(name) == role) return name;
  }
  throw std::invalid_argument("not a top-level role: " + role);
}

std::string HashHex(HashAlgorithm algorithm, const std::string& bytes) {
  Hasher hasher(algorithm);
  hasher.Update(bytes);
  return hasher.FinishHex();
}

std::vector<PrivateKey> WithoutDuplicates(std::vector<PrivateKey> keys) {
  std::vector<PrivateKey> unique;
  for (auto& key : keys) {
    auto same = [&](const PrivateKey& other) { return other.KeyId() == key.KeyId(); };
    if (std::none_of(unique.begin(), unique.end(), same)) unique.push_back(std::move(key));
  }
  return unique;
}

template <typename Map>
auto& Lookup(Map& map, const std::string& key, const std::string& what) {
  auto it = map.find(key);
  if (it == map.end()) throw std::out_of_range("simulated repository has no " + what + " " + key);
  return it->second;
}

}  // namespace

uptane::TargetFile MakeTarget(const std::string& name, const std::string& content,
                              const json& custom) {
  json entry = {{"length", content.size()},
                {"hashes", {{"sha256", Sha256Hex(content)}, {"sha512", Sha512Hex(content)}}}};
  if (!custom.is_null() && !custom.empty()) entry["custom"] = custom;
  return Must(uptane::ParseTargetFile(name, entry), "target " + name);
}

SimulatedRepository::SimulatedRepository(KeyType key_type, TimePoint start)
    : SimulatedRepository(SimulatedRepositoryOptions{.key_type = key_type, .start = start}) {}

SimulatedRepository::SimulatedRepository(SimulatedRepositoryOptions options)
    : options_(std::move(options)) {
  for (RoleName role : kTopLevelRoles) CreateRole(role);
  for (const char* role : {"root", "targets", "snapshot", "timestamp"}) Sign(role);
}

void SimulatedRepository::CreateRole(RoleName role) {
  PrivateKey key = NewKey();
  root_.keys.insert_or_assign(key.KeyId(), key.public_key());
  root_.roles[role].keyids = {key.KeyId()};
  root_.roles[role].threshold = 1;
  std::string name(uptane::RoleNameString(role));
  signers_.insert_or_assign(name, std::vector<PrivateKey>{key});
  fields(name).version = 1;
  fields(name).expires = default_expires();
}

uptane::Targets& SimulatedRepository::delegated(const std::string& name) {
  return Lookup(delegated_, name, "delegated role");
}

uptane::Targets& SimulatedRepository::targets(const std::string& role) {
  return role == "targets" ? targets_ : delegated(role);
}

uptane::CommonFields& SimulatedRepository::fields(const std::string& role) {
  if (role == "root") return root_;
  if (role == "timestamp") return timestamp_;
  if (role == "snapshot") return snapshot_;
  return targets(role);
}

std::vector<PrivateKey>& SimulatedRepository::signers(const std::string& role) {
  return Lookup(signers_, role, "signers for");
}

const std::string& SimulatedRepository::root_bytes(std::uint64_t version) const {
  auto it = root_history_.find(version);
  if (it == root_history_.end())
    throw std::out_of_range("no root version " + std::to_string(version));
  return it->second;
}

const std::string& SimulatedRepository::signed_bytes(const std::string& role) const {
  auto it = signed_bytes_.find(role);
  if (it == signed_bytes_.end()) throw std::out_of_range("role never signed: " + role);
  return it->second;
}

PrivateKey SimulatedRepository::NewKey() const {
  return Must(PrivateKey::Generate(options_.key_type), "generating a key");
}

std::vector<PrivateKey> SimulatedRepository::NewKeys(std::size_t count) const {
  std::vector<PrivateKey> keys;
  for (std::size_t i = 0; i < count; ++i) keys.push_back(NewKey());
  return keys;
}

uptane::TargetFile& SimulatedRepository::AddTarget(const std::string& name,
                                                   const std::string& content, const json& custom,
                                                   const std::string& role) {
  auto& listed = targets(role).targets;
  listed.insert_or_assign(name, MakeTarget(name, content, custom));
  ServeTargetContent(name, content);
  return listed.at(name);
}

void SimulatedRepository::RemoveTarget(const std::string& name, const std::string& role) {
  targets(role).targets.erase(name);
}

// TUF consistent snapshots: "targets/<dir>/<hash>.<basename>".
void SimulatedRepository::ServeTargetContent(const std::string& name, const std::string& content) {
  auto slash = name.rfind('/');
  std::string dir = slash == std::string::npos ? "" : name.substr(0, slash + 1);
  std::string base = name.substr(dir.size());
  files_["targets/" + name] = content;
  files_["targets/" + dir + Sha256Hex(content) + "." + base] = content;
  files_["targets/" + dir + Sha512Hex(content) + "." + base] = content;
}

uptane::Targets& SimulatedRepository::AddDelegation(const std::string& delegator,
                                                    uptane::DelegatedRole role,
                                                    std::vector<PrivateKey> keys) {
  if (keys.empty()) keys.push_back(NewKey());
  if (role.keyids.empty()) {
    for (const auto& key : keys) role.keyids.push_back(key.KeyId());
  }
  auto& delegations = targets(delegator).delegations;
  if (!delegations) delegations.emplace();
  for (const auto& key : keys) delegations->keys.insert_or_assign(key.KeyId(), key.public_key());
  delegations->roles.push_back(role);

  uptane::Targets& child = delegated_[role.name];
  child.expires = default_expires();
  signers_.insert_or_assign(role.name, std::move(keys));
  Sign(role.name);
  return child;
}

void SimulatedRepository::RotateRoot(RootSigners which) {
  ++root_.version;
  SignWith("root", RootSignersFor(root_.version, which));
}

void SimulatedRepository::RotateKeys(const std::string& role, std::vector<PrivateKey> keys,
                                     std::uint32_t threshold, RootSigners which) {
  ReplaceRoleKeys(TopLevelRole(role), keys, threshold);
  signers(role) = std::move(keys);
  RotateRoot(which);
}

void SimulatedRepository::ReplaceRoleKeys(RoleName role, const std::vector<PrivateKey>& keys,
                                          std::uint32_t threshold) {
  uptane::RoleKeys& role_keys = root_.roles[role];
  std::vector<uptane::KeyId> old_keyids = std::move(role_keys.keyids);
  role_keys.keyids.clear();
  role_keys.threshold = threshold;
  for (const auto& key : keys) {
    role_keys.keyids.push_back(key.KeyId());
    root_.keys.insert_or_assign(key.KeyId(), key.public_key());
  }
  ForgetUnusedKeys(old_keyids);
}

void SimulatedRepository::ForgetUnusedKeys(const std::vector<uptane::KeyId>& keyids) {
  for (const auto& keyid : keyids) {
    bool used = std::any_of(root_.roles.begin(), root_.roles.end(), [&](const auto& role) {
      const auto& listed = role.second.keyids;
      return std::find(listed.begin(), listed.end(), keyid) != listed.end();
    });
    if (!used) root_.keys.erase(keyid);
  }
}

std::vector<PrivateKey> SimulatedRepository::RootSignersFor(std::uint64_t version,
                                                            RootSigners which) const {
  std::vector<PrivateKey> keys;
  auto previous = root_signers_by_version_.find(version - 1);
  if (which != RootSigners::kNewOnly && previous != root_signers_by_version_.end())
    keys = previous->second;
  if (which != RootSigners::kOldOnly) {
    const auto& current = signers_.at("root");
    keys.insert(keys.end(), current.begin(), current.end());
  }
  return WithoutDuplicates(std::move(keys));
}

void SimulatedRepository::PublishTargets() {
  ++targets_.version;
  Sign("targets");
}

void SimulatedRepository::PublishDelegated(const std::string& name) {
  ++delegated(name).version;
  Sign(name);
}

void SimulatedRepository::PublishSnapshot() {
  ++snapshot_.version;
  Sign("snapshot");
}

void SimulatedRepository::PublishTimestamp() {
  ++timestamp_.version;
  Sign("timestamp");
}

void SimulatedRepository::Publish() {
  PublishTargets();
  PublishSnapshot();
  PublishTimestamp();
}

void SimulatedRepository::Sign(const std::string& role) { SignWith(role, DefaultSigners(role)); }

std::vector<PrivateKey> SimulatedRepository::DefaultSigners(const std::string& role) const {
  if (role == "root") return RootSignersFor(root_.version, RootSigners::kOldAndNew);
  return Lookup(signers_, role, "signers for");
}

const std::string& SimulatedRepository::SignWith(const std::string& role,
                                                 const std::vector<PrivateKey>& keys) {
  Place(role, SignedBytes(role, keys));
  return signed_bytes_.at(role);
}

const std::string& SimulatedRepository::SignEdited(const std::string& role, const JsonEdit& edit) {
  Place(role, SignedBytes(role, DefaultSigners(role), edit));
  return signed_bytes_.at(role);
}

std::string SimulatedRepository::SignedBytes(const std::string& role,
                                             const std::vector<PrivateKey>& keys,
                                             const JsonEdit& edit) const {
  std::vector<const PrivateKey*> key_pointers;
  key_pointers.reserve(keys.size());
  for (const auto& key : keys) key_pointers.push_back(&key);
  json signed_part = ModelJson(role);
  if (edit) edit(signed_part);
  return Must(uptane::SignMetadata(signed_part, key_pointers), "signing " + role).bytes;
}

json SimulatedRepository::ModelJson(const std::string& role) const {
  if (role == "root") return uptane::ToJson(root_);
  if (role == "timestamp") return uptane::ToJson(timestamp_);
  if (role == "snapshot") return uptane::ToJson(snapshot_);
  if (role == "targets") return uptane::ToJson(targets_);
  return uptane::ToJson(Lookup(delegated_, role, "delegated role"));
}

void SimulatedRepository::Place(const std::string& role, const std::string& bytes) {
  signed_bytes_[role] = bytes;
  if (role == "timestamp") {
    files_["timestamp.json"] = bytes;
    return;
  }
  std::uint64_t version = fields(role).version;
  PlaceVersioned(role, version, bytes);
  if (role == "root") {
    root_history_[version] = bytes;
    root_signers_by_version_.insert_or_assign(version, signers("root"));
  } else if (role == "snapshot") {
    timestamp_.snapshot = MetaFor(bytes, version, options_.timestamp_meta);
  } else {
    snapshot_.meta.insert_or_assign(role + ".json",
                                    MetaFor(bytes, version, options_.snapshot_meta));
  }
}

void SimulatedRepository::PlaceVersioned(const std::string& role, std::uint64_t version,
                                         const std::string& bytes) {
  files_[uptane::MetadataFileName(role, version)] = bytes;
  files_[uptane::MetadataFileName(role, std::nullopt)] = bytes;
}

uptane::MetaFile SimulatedRepository::MetaFor(const std::string& bytes, std::uint64_t version,
                                              const MetaFileOptions& options) const {
  uptane::MetaFile meta;
  meta.version = version;
  if (options.length) meta.length = bytes.size();
  for (HashAlgorithm algorithm : options.hashes)
    meta.hashes[std::string(HashAlgorithmName(algorithm))] = HashHex(algorithm, bytes);
  return meta;
}

}  // namespace otter::testing
