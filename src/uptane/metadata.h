// The TUF / Uptane metadata model, independent of any wire form. The TUF 1.0
// JSON form lives in tuf_json.h; signed envelopes in signed_metadata.h.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/time.h"

namespace otter::uptane {

enum class RoleName { kRoot, kTimestamp, kSnapshot, kTargets };
std::string_view RoleNameString(RoleName role);  // "root", ...

using KeyId = std::string;
using Hashes = std::map<std::string, std::string>;  // algorithm -> hex
using KeyMap = std::map<KeyId, PublicKey>;

// Fields not in the model, kept so that a document can be rewritten with
// them (TUF requires unknown fields to be preserved).
using UnknownFields = nlohmann::json;

struct RoleKeys {
  std::vector<KeyId> keyids;
  std::uint32_t threshold = 1;
  UnknownFields unknown = nlohmann::json::object();
};

struct CommonFields {
  std::uint64_t version = 1;
  TimePoint expires{};
  std::string spec_version = "1.0";
  UnknownFields unknown = nlohmann::json::object();
};

struct Root : CommonFields {
  bool consistent_snapshot = true;
  KeyMap keys;
  std::map<RoleName, RoleKeys> roles;
};

// An entry of timestamp's or snapshot's "meta".
struct MetaFile {
  std::uint64_t version = 1;
  std::optional<std::uint64_t> length;
  Hashes hashes;
};

struct Timestamp : CommonFields {
  MetaFile snapshot;  // meta["snapshot.json"]
};

struct Snapshot : CommonFields {
  std::map<std::string, MetaFile> meta;  // "targets.json", "<role>.json"
};

// Uptane fields of a target's `custom`.
struct TargetCustom {
  std::vector<std::string> hardware_ids;         // hardwareIds
  std::optional<std::uint64_t> release_counter;  // releaseCounter
  std::string target_format;                     // OSTREE | BINARY | COMPOSE
  std::string uri;
  std::map<std::string, std::string> ecu_hardware_ids;  // Director: serial -> hwid
  nlohmann::json raw = nlohmann::json::object();  // the whole custom object
};

struct TargetFile {
  std::string name;
  std::uint64_t length = 0;
  Hashes hashes;
  TargetCustom custom;
};

struct DelegatedRole {
  std::string name;
  std::vector<KeyId> keyids;
  std::uint32_t threshold = 1;
  bool terminating = false;
  std::vector<std::string> paths;  // `*` and `?` never match '/'
  std::vector<std::string> path_hash_prefixes;
  // Uptane: when set, the role only serves these hardware ids.
  std::vector<std::string> hardware_ids;
  UnknownFields unknown = nlohmann::json::object();

  bool MatchesPath(const std::string& target_name) const;
  bool ServesHardware(const std::string& hardware_id) const;
};

struct Delegations {
  KeyMap keys;
  std::vector<DelegatedRole> roles;
};

struct Targets : CommonFields {
  std::map<std::string, TargetFile> targets;
  std::optional<Delegations> delegations;
  nlohmann::json custom;  // Director: deviceId, correlationId; else null
};

// The file name a role is stored and served under: "timestamp.json",
// "7.snapshot.json" with a version, "<role>.json" for delegations.
std::string MetadataFileName(std::string_view role, std::optional<std::uint64_t> version);

}  // namespace otter::uptane
