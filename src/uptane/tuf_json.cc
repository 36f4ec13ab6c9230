#include "uptane/tuf_json.h"

#include <algorithm>

#include "common/errors.h"
#include "uptane/errors.h"

namespace otter::uptane {
namespace {

using nlohmann::json;

Error Malformed(const std::string& message) { return MakeError(UptaneErrc::kMalformed, message); }

Result<const json*> Field(const json& object, const std::string& key) {
  auto it = object.find(key);
  if (it == object.end()) return Malformed("missing field \"" + key + "\"");
  return &*it;
}

Result<std::string> StringField(const json& object, const std::string& key) {
  OTTER_ASSIGN(const json* value, Field(object, key));
  if (!value->is_string()) return Malformed("\"" + key + "\" is not a string");
  return value->get<std::string>();
}

Result<std::uint64_t> UintValue(const json& value, const std::string& key) {
  const bool non_negative = value.is_number_unsigned() ||
                            (value.is_number_integer() && value.get<std::int64_t>() >= 0);
  if (!non_negative) return Malformed("\"" + key + "\" is not a non-negative integer");
  return value.get<std::uint64_t>();
}

Result<std::uint64_t> UintField(const json& object, const std::string& key) {
  OTTER_ASSIGN(const json* value, Field(object, key));
  return UintValue(*value, key);
}

Result<std::vector<std::string>> StringList(const json& value, const std::string& key) {
  if (!value.is_array()) return Malformed("\"" + key + "\" is not an array");
  std::vector<std::string> list;
  for (const auto& item : value) {
    if (!item.is_string()) return Malformed("\"" + key + "\" holds a non-string");
    list.push_back(item.get<std::string>());
  }
  return list;
}

Result<const json*> ObjectField(const json& object, const std::string& key) {
  OTTER_ASSIGN(const json* value, Field(object, key));
  if (!value->is_object()) return Malformed("\"" + key + "\" is not an object");
  return value;
}

json UnknownFields(const json& object, std::initializer_list<const char*> known) {
  json unknown = json::object();
  for (const auto& item : object.items()) {
    const std::string& key = item.key();
    if (std::none_of(known.begin(), known.end(), [&](const char* name) { return key == name; }))
      unknown[key] = item.value();
  }
  return unknown;
}

void MergeUnknown(json& out, const json& unknown) {
  if (!unknown.is_object()) return;
  for (const auto& [key, value] : unknown.items()) out.emplace(key, value);
}

Status CheckType(const json& signed_part, const std::string& expected) {
  if (!signed_part.is_object()) return Malformed("\"signed\" is not an object");
  OTTER_ASSIGN(std::string type, StringField(signed_part, "_type"));
  if (type != expected) return Malformed("_type is \"" + type + "\", expected \"" + expected + "\"");
  return Ok();
}

Result<CommonFields> ParseCommon(const json& signed_part, const std::string& type,
                                 std::initializer_list<const char*> known) {
  OTTER_TRY(CheckType(signed_part, type));
  CommonFields common;
  OTTER_ASSIGN(common.version, UintField(signed_part, "version"));
  if (common.version == 0) return Malformed("version must be at least 1");
  OTTER_ASSIGN(std::string expires, StringField(signed_part, "expires"));
  auto expires_time = ParseTime(expires);
  if (!expires_time) return Malformed("expires: " + expires_time.error().message());
  common.expires = *expires_time;
  OTTER_ASSIGN(common.spec_version, StringField(signed_part, "spec_version"));
  if (!common.spec_version.starts_with("1.") && common.spec_version != "1")
    return Malformed("unsupported spec_version \"" + common.spec_version + "\"");
  common.unknown = UnknownFields(signed_part, known);
  common.unknown.erase("_type");
  common.unknown.erase("version");
  common.unknown.erase("expires");
  common.unknown.erase("spec_version");
  return common;
}

json CommonJson(const CommonFields& common, const std::string& type) {
  json out = {{"_type", type},
              {"version", common.version},
              {"expires", FormatTime(common.expires)},
              {"spec_version", common.spec_version}};
  MergeUnknown(out, common.unknown);
  return out;
}

// Keys of a type we cannot use are skipped: signatures by them never count.
Result<KeyMap> ParseKeys(const json& keys) {
  if (!keys.is_object()) return Malformed("\"keys\" is not an object");
  KeyMap map;
  for (const auto& [keyid, key] : keys.items()) {
    if (key.is_object() && key.contains("keytype") && key["keytype"].is_string() &&
        !ParseKeyType(key["keytype"].get<std::string>()))
      continue;
    auto public_key = PublicKey::FromTufJson(key);
    if (!public_key) return Malformed("key " + keyid + ": " + public_key.error().message());
    map.emplace(keyid, std::move(public_key).value());
  }
  return map;
}

json KeysJson(const KeyMap& keys) {
  json out = json::object();
  for (const auto& [keyid, key] : keys) out[keyid] = key.ToTufJson();
  return out;
}

Result<RoleKeys> ParseRoleKeys(const json& role, const std::string& name) {
  if (!role.is_object()) return Malformed("role " + name + " is not an object");
  RoleKeys keys;
  OTTER_ASSIGN(const json* keyids, Field(role, "keyids"));
  OTTER_ASSIGN(keys.keyids, StringList(*keyids, "keyids"));
  OTTER_ASSIGN(std::uint64_t threshold, UintField(role, "threshold"));
  if (threshold == 0 || threshold > UINT32_MAX)
    return Malformed("role " + name + " has threshold " + std::to_string(threshold));
  keys.threshold = static_cast<std::uint32_t>(threshold);
  keys.unknown = UnknownFields(role, {"keyids", "threshold"});
  return keys;
}

json RoleKeysJson(const RoleKeys& role) {
  json out = {{"keyids", role.keyids}, {"threshold", role.threshold}};
  MergeUnknown(out, role.unknown);
  return out;
}

Result<Hashes> ParseHashes(const json& hashes) {
  if (!hashes.is_object()) return Malformed("\"hashes\" is not an object");
  Hashes out;
  for (const auto& [algorithm, digest] : hashes.items()) {
    if (!digest.is_string()) return Malformed("hash " + algorithm + " is not a string");
    out.emplace(algorithm, digest.get<std::string>());
  }
  return out;
}

Result<MetaFile> ParseMetaFile(const json& entry, const std::string& name) {
  if (!entry.is_object()) return Malformed("meta entry " + name + " is not an object");
  MetaFile meta;
  OTTER_ASSIGN_CONTEXT(meta.version, UintField(entry, "version"), "meta " + name);
  if (entry.contains("length")) {
    OTTER_ASSIGN_CONTEXT(meta.length, UintValue(entry["length"], "length"), "meta " + name);
  }
  if (entry.contains("hashes")) {
    OTTER_ASSIGN_CONTEXT(meta.hashes, ParseHashes(entry["hashes"]), "meta " + name);
  }
  return meta;
}

json MetaFileJson(const MetaFile& meta) {
  json out = {{"version", meta.version}};
  if (meta.length) out["length"] = *meta.length;
  if (!meta.hashes.empty()) out["hashes"] = meta.hashes;
  return out;
}

Result<TargetCustom> ParseTargetCustom(const json& custom) {
  TargetCustom out;
  if (custom.is_null()) return out;
  if (!custom.is_object()) return Malformed("\"custom\" is not an object");
  out.raw = custom;
  if (custom.contains("hardwareIds")) {
    OTTER_ASSIGN(out.hardware_ids, StringList(custom["hardwareIds"], "hardwareIds"));
  }
  if (custom.contains("releaseCounter")) {
    OTTER_ASSIGN(out.release_counter, UintValue(custom["releaseCounter"], "releaseCounter"));
  }
  if (custom.contains("targetFormat")) {
    OTTER_ASSIGN(out.target_format, StringField(custom, "targetFormat"));
  }
  if (custom.contains("uri")) {
    OTTER_ASSIGN(out.uri, StringField(custom, "uri"));
  }
  if (custom.contains("ecuIdentifiers")) {
    OTTER_ASSIGN(const json* ecus, ObjectField(custom, "ecuIdentifiers"));
    for (const auto& [serial, ecu] : ecus->items()) {
      if (!ecu.is_object()) return Malformed("ecuIdentifiers." + serial + " is not an object");
      OTTER_ASSIGN(out.ecu_hardware_ids[serial], StringField(ecu, "hardwareId"));
    }
  }
  return out;
}

json TargetCustomJson(const TargetCustom& custom) {
  json out = custom.raw.is_object() ? custom.raw : json::object();
  if (!custom.hardware_ids.empty()) out["hardwareIds"] = custom.hardware_ids;
  if (custom.release_counter) out["releaseCounter"] = *custom.release_counter;
  if (!custom.target_format.empty()) out["targetFormat"] = custom.target_format;
  if (!custom.uri.empty()) out["uri"] = custom.uri;
  for (const auto& [serial, hardware_id] : custom.ecu_hardware_ids)
    out["ecuIdentifiers"][serial] = {{"hardwareId", hardware_id}};
  return out;
}

Result<DelegatedRole> ParseDelegatedRole(const json& role) {
  if (!role.is_object()) return Malformed("delegated role is not an object");
  DelegatedRole out;
  OTTER_ASSIGN(out.name, StringField(role, "name"));
  if (out.name.empty()) return Malformed("delegated role with an empty name");
  OTTER_ASSIGN(RoleKeys keys, ParseRoleKeys(role, out.name));
  out.keyids = std::move(keys.keyids);
  out.threshold = keys.threshold;
  if (role.contains("terminating")) {
    if (!role["terminating"].is_boolean()) return Malformed("\"terminating\" is not a boolean");
    out.terminating = role["terminating"].get<bool>();
  }
  const bool has_paths = role.contains("paths");
  const bool has_prefixes = role.contains("path_hash_prefixes");
  if (has_paths == has_prefixes)
    return Malformed("role " + out.name + " needs exactly one of paths, path_hash_prefixes");
  if (has_paths) {
    OTTER_ASSIGN(out.paths, StringList(role["paths"], "paths"));
  } else {
    OTTER_ASSIGN(out.path_hash_prefixes, StringList(role["path_hash_prefixes"], "path_hash_prefixes"));
  }
  if (role.contains("hardwareIds")) {
    OTTER_ASSIGN(out.hardware_ids, StringList(role["hardwareIds"], "hardwareIds"));
  }
  out.unknown = UnknownFields(role, {"name", "keyids", "threshold", "terminating", "paths",
                                     "path_hash_prefixes", "hardwareIds"});
  return out;
}

json DelegatedRoleJson(const DelegatedRole& role) {
  json out = {{"name", role.name},
              {"keyids", role.keyids},
              {"threshold", role.threshold},
              {"terminating", role.terminating}};
  if (!role.path_hash_prefixes.empty())
    out["path_hash_prefixes"] = role.path_hash_prefixes;
  else
    out["paths"] = role.paths;
  if (!role.hardware_ids.empty()) out["hardwareIds"] = role.hardware_ids;
  MergeUnknown(out, role.unknown);
  return out;
}

Result<Delegations> ParseDelegations(const json& delegations) {
  if (!delegations.is_object()) return Malformed("\"delegations\" is not an object");
  Delegations out;
  OTTER_ASSIGN(const json* keys, ObjectField(delegations, "keys"));
  OTTER_ASSIGN(out.keys, ParseKeys(*keys));
  OTTER_ASSIGN(const json* roles, Field(delegations, "roles"));
  if (!roles->is_array()) return Malformed("delegations.roles is not an array");
  for (const auto& role : *roles) {
    OTTER_ASSIGN(DelegatedRole parsed, ParseDelegatedRole(role));
    out.roles.push_back(std::move(parsed));
  }
  return out;
}

json DelegationsJson(const Delegations& delegations) {
  json roles = json::array();
  for (const auto& role : delegations.roles) roles.push_back(DelegatedRoleJson(role));
  return {{"keys", KeysJson(delegations.keys)}, {"roles", roles}};
}

Result<RoleName> ParseTopRoleName(const std::string& name) {
  for (RoleName role : {RoleName::kRoot, RoleName::kTimestamp, RoleName::kSnapshot,
                        RoleName::kTargets}) {
    if (RoleNameString(role) == name) return role;
  }
  return Malformed("unknown role \"" + name + "\"");
}

}  // namespace

Result<Root> ParseRoot(const json& signed_part) {
  Root root;
  OTTER_ASSIGN(static_cast<CommonFields&>(root),
               ParseCommon(signed_part, "root", {"consistent_snapshot", "keys", "roles"}));
  OTTER_ASSIGN(const json* consistent, Field(signed_part, "consistent_snapshot"));
  if (!consistent->is_boolean()) return Malformed("consistent_snapshot is not a boolean");
  root.consistent_snapshot = consistent->get<bool>();
  OTTER_ASSIGN(const json* keys, ObjectField(signed_part, "keys"));
  OTTER_ASSIGN(root.keys, ParseKeys(*keys));
  OTTER_ASSIGN(const json* roles, ObjectField(signed_part, "roles"));
  for (const auto& [name, role] : roles->items()) {
    auto role_name = ParseTopRoleName(name);
    if (!role_name) continue;  // an unknown role is kept only in the bytes
    OTTER_ASSIGN(root.roles[*role_name], ParseRoleKeys(role, name));
  }
  if (root.roles.size() != 4) return Malformed("root must define root, timestamp, snapshot, targets");
  return root;
}

Result<Timestamp> ParseTimestamp(const json& signed_part) {
  Timestamp timestamp;
  OTTER_ASSIGN(static_cast<CommonFields&>(timestamp), ParseCommon(signed_part, "timestamp", {"meta"}));
  OTTER_ASSIGN(const json* meta, ObjectField(signed_part, "meta"));
  OTTER_ASSIGN(const json* snapshot, Field(*meta, "snapshot.json"));
  OTTER_ASSIGN(timestamp.snapshot, ParseMetaFile(*snapshot, "snapshot.json"));
  return timestamp;
}

Result<Snapshot> ParseSnapshot(const json& signed_part) {
  Snapshot snapshot;
  OTTER_ASSIGN(static_cast<CommonFields&>(snapshot), ParseCommon(signed_part, "snapshot", {"meta"}));
  OTTER_ASSIGN(const json* meta, ObjectField(signed_part, "meta"));
  for (const auto& [name, entry] : meta->items()) {
    OTTER_ASSIGN(snapshot.meta[name], ParseMetaFile(entry, name));
  }
  return snapshot;
}

Result<TargetFile> ParseTargetFile(const std::string& name, const json& entry) {
  if (!entry.is_object()) return Malformed("target " + name + " is not an object");
  TargetFile target;
  target.name = name;
  OTTER_ASSIGN_CONTEXT(target.length, UintField(entry, "length"), "target " + name);
  OTTER_ASSIGN(const json* hashes, Field(entry, "hashes"));
  OTTER_ASSIGN_CONTEXT(target.hashes, ParseHashes(*hashes), "target " + name);
  if (entry.contains("custom")) {
    OTTER_ASSIGN_CONTEXT(target.custom, ParseTargetCustom(entry["custom"]), "target " + name);
  }
  return target;
}

Result<Targets> ParseTargets(const json& signed_part) {
  Targets targets;
  OTTER_ASSIGN(static_cast<CommonFields&>(targets),
               ParseCommon(signed_part, "targets", {"targets", "delegations", "custom"}));
  OTTER_ASSIGN(const json* files, ObjectField(signed_part, "targets"));
  for (const auto& [name, entry] : files->items()) {
    OTTER_ASSIGN(targets.targets[name], ParseTargetFile(name, entry));
  }
  if (signed_part.contains("delegations")) {
    OTTER_ASSIGN(targets.delegations, ParseDelegations(signed_part["delegations"]));
  }
  if (signed_part.contains("custom")) targets.custom = signed_part["custom"];
  return targets;
}

json ToJson(const Root& root) {
  json out = CommonJson(root, "root");
  out["consistent_snapshot"] = root.consistent_snapshot;
  out["keys"] = KeysJson(root.keys);
  json roles = json::object();
  for (const auto& [name, keys] : root.roles)
    roles[std::string(RoleNameString(name))] = RoleKeysJson(keys);
  out["roles"] = roles;
  return out;
}

json ToJson(const Timestamp& timestamp) {
  json out = CommonJson(timestamp, "timestamp");
  out["meta"] = {{"snapshot.json", MetaFileJson(timestamp.snapshot)}};
  return out;
}

json ToJson(const Snapshot& snapshot) {
  json out = CommonJson(snapshot, "snapshot");
  json meta = json::object();
  for (const auto& [name, entry] : snapshot.meta) meta[name] = MetaFileJson(entry);
  out["meta"] = meta;
  return out;
}

json ToJson(const TargetFile& target) {
  json out = {{"length", target.length}, {"hashes", target.hashes}};
  json custom = TargetCustomJson(target.custom);
  if (!custom.empty()) out["custom"] = custom;
  return out;
}

json ToJson(const Targets& targets) {
  json out = CommonJson(targets, "targets");
  json files = json::object();
  for (const auto& [name, target] : targets.targets) files[name] = ToJson(target);
  out["targets"] = files;
  if (targets.delegations) out["delegations"] = DelegationsJson(*targets.delegations);
  if (!targets.custom.is_null()) out["custom"] = targets.custom;
  return out;
}

}  // namespace otter::uptane
