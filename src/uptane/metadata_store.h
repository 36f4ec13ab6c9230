// Where a repository's trusted metadata is persisted, by role name
// ("root", "timestamp", "snapshot", "targets", "<delegated role>"), as the
// exact bytes received.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace otter::uptane {

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;
  virtual Result<std::optional<std::string>> Load(std::string_view role) = 0;
  // Atomic: after a crash the role holds the old or the new bytes.
  virtual Status Save(std::string_view role, std::string_view bytes) = 0;
  virtual Status Remove(std::string_view role) = 0;
};

// `<dir>/<role>.json`, written atomically. Role names that are not plain file
// names (empty, ".", "..", containing '/') are refused.
class DirectoryMetadataStore final : public MetadataStore {
 public:
  explicit DirectoryMetadataStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  Result<std::optional<std::string>> Load(std::string_view role) override;
  Status Save(std::string_view role, std::string_view bytes) override;
  Status Remove(std::string_view role) override;

 private:
  Result<std::filesystem::path> PathOf(std::string_view role) const;
  std::filesystem::path dir_;
};

class MemoryMetadataStore final : public MetadataStore {
 public:
  Result<std::optional<std::string>> Load(std::string_view role) override;
  Status Save(std::string_view role, std::string_view bytes) override;
  Status Remove(std::string_view role) override;

  const std::map<std::string, std::string, std::less<>>& files() const { return files_; }

 private:
  std::map<std::string, std::string, std::less<>> files_;
};

}  // namespace otter::uptane
