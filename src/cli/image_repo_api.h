// The Image repository's admin endpoints (docs/api/image-repo.md), as the
// CLI calls them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/admin_client.h"
#include "cli/root_metadata.h"
#include "common/result.h"
#include "uptane/metadata.h"

namespace otter::cli {

// GET /api/v1/image-repo/online-keys
Result<OnlineKeys> FetchOnlineKeys(AdminClient& client);

// GET /repo/root.json: the newest root, as served.
Result<std::string> FetchRoot(AdminClient& client);

struct RootUploaded {
  std::uint64_t version = 0;
  bool targets_need_signing = false;
};
// PUT /api/v1/image-repo/root
Result<RootUploaded> UploadRoot(AdminClient& client, const std::string& bytes);

// GET /api/v1/image-repo/targets.json: the signed current targets;
// nullopt before the first publication.
Result<std::optional<std::string>> FetchSignedTargets(AdminClient& client);

// PUT /api/v1/image-repo/targets.json with If-Match "expected": the new
// version. kChangedMeanwhile (412) when the server's targets moved on.
Result<std::uint64_t> PushSignedTargets(AdminClient& client, const std::string& bytes,
                                        std::uint64_t expected_version);

// GET /api/v1/image-repo/targets: {"version", "online_targets", "targets"}.
Result<nlohmann::json> ListTargets(AdminClient& client);

// Online-targets mode: POST /api/v1/image-repo/targets, DELETE .../{name}.
// Both return the new targets version.
Result<std::uint64_t> AddOnlineTarget(AdminClient& client, const uptane::TargetFile& target);
Result<std::uint64_t> RemoveOnlineTarget(AdminClient& client, const std::string& name);

struct ContentUpload {
  std::filesystem::path file;
  std::string sha256;  // checked by the server
  std::uint64_t length = 0;
  // Set: the server adds the target itself (online-targets mode).
  std::optional<std::string> name;
  std::string version;
  std::string format;  // BINARY | COMPOSE
  std::vector<std::string> hardware_ids;
  std::optional<std::uint64_t> release_counter;
};
// PUT /api/v1/image-repo/content?...: {"sha256", "length"[, "name",
// "targets_version"]}
Result<nlohmann::json> UploadContent(AdminClient& client, const ContentUpload& upload);

}  // namespace otter::cli
