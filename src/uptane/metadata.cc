#include "uptane/metadata.h"

#include <fnmatch.h>

#include <algorithm>

#include "common/hash.h"

namespace otter::uptane {

std::string_view RoleNameString(RoleName role) {
  switch (role) {
    case RoleName::kRoot: return "root";
    case RoleName::kTimestamp: return "timestamp";
    case RoleName::kSnapshot: return "snapshot";
    case RoleName::kTargets: return "targets";
  }
  return "";
}

std::string MetadataFileName(std::string_view role, std::optional<std::uint64_t> version) {
  std::string name = std::string(role) + ".json";
  if (!version) return name;
  return std::to_string(*version) + "." + name;
}

bool DelegatedRole::MatchesPath(const std::string& target_name) const {
  // FNM_PATHNAME: '*', '?' and brackets never match '/', as TUF requires.
  for (const auto& pattern : paths) {
    if (::fnmatch(pattern.c_str(), target_name.c_str(), FNM_PATHNAME) == 0) return true;
  }
  if (path_hash_prefixes.empty()) return false;
  const std::string digest = Sha256Hex(target_name);
  return std::any_of(path_hash_prefixes.begin(), path_hash_prefixes.end(),
                     [&](const std::string& prefix) { return digest.starts_with(prefix); });
}

bool DelegatedRole::ServesHardware(const std::string& hardware_id) const {
  return hardware_ids.empty() ||
         std::find(hardware_ids.begin(), hardware_ids.end(), hardware_id) != hardware_ids.end();
}

}  // namespace otter::uptane
