#include "uptane/metadata_store.h"

#include "common/errors.h"
#include "common/file.h"

namespace otter::uptane {

Result<std::filesystem::path> DirectoryMetadataStore::PathOf(std::string_view role) const {
  if (role.empty() || role == "." || role == ".." || role.find('/') != std::string_view::npos ||
      role.find('\0') != std::string_view::npos)
    return MakeError(CommonErrc::kInvalidArgument,
                     "role name \"" + std::string(role) + "\" is not a plain file name");
  return dir_ / (std::string(role) + ".json");
}

Result<std::optional<std::string>> DirectoryMetadataStore::Load(std::string_view role) {
  OTTER_ASSIGN(auto path, PathOf(role));
  auto bytes = ReadFile(path);
  if (bytes) return std::optional(std::move(bytes).value());
  if (bytes.error().Is(CommonErrc::kNotFound)) return std::optional<std::string>();
  return std::move(bytes).error();
}

Status DirectoryMetadataStore::Save(std::string_view role, std::string_view bytes) {
  OTTER_ASSIGN(auto path, PathOf(role));
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  if (error) return MakeError(CommonErrc::kIo, "creating " + dir_.string() + ": " + error.message());
  return WriteFileAtomic(path, bytes);
}

Status DirectoryMetadataStore::Remove(std::string_view role) {
  OTTER_ASSIGN(auto path, PathOf(role));
  return RemoveFileDurably(path);
}

Result<std::optional<std::string>> MemoryMetadataStore::Load(std::string_view role) {
  auto it = files_.find(role);
  if (it == files_.end()) return std::optional<std::string>();
  return std::optional(it->second);
}

Status MemoryMetadataStore::Save(std::string_view role, std::string_view bytes) {
  files_.insert_or_assign(std::string(role), std::string(bytes));
  return Ok();
}

Status MemoryMetadataStore::Remove(std::string_view role) {
  if (auto it = files_.find(role); it != files_.end()) files_.erase(it);
  return Ok();
}

}  // namespace otter::uptane
