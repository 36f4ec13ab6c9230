// Internal: the local OSTree repository a push reads from.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "common/result.h"
#include "treehub_client/glib_handles.h"

namespace otter::treehub_client::internal {

struct LocalObject {
  std::string checksum;
  OstreeObjectType type = OSTREE_OBJECT_TYPE_FILE;
  std::string name;        // "<checksum>.<extension>" as the server names it
  std::uint64_t size = 0;  // on local disk, once StorageSize() has filled it in
};

// The bytes to upload for an object: read through `source`, `size` bytes when
// known in advance (otherwise sent chunked).
struct ObjectBody {
  BodySource source;
  std::optional<std::uint64_t> size;
};

// One open repository; use one per thread.
class LocalRepo {
 public:
  static Result<LocalRepo> Open(const std::filesystem::path& path);

  // A ref or a checksum to the commit checksum.
  Result<std::string> Resolve(const std::string& ref) const;
  // Every object the commit reaches (not its parents): files first, then
  // directory metadata, trees, and the commit object last.
  Result<std::vector<LocalObject>> Objects(const std::string& commit) const;
  Result<std::uint64_t> StorageSize(const LocalObject& object) const;
  // The object as the server takes it: metadata as stored, files in the
  // archive (.filez) format.
  Result<ObjectBody> OpenBody(const LocalObject& object) const;

 private:
  LocalRepo(std::filesystem::path path, GObjectPtr<OstreeRepo> repo)
      : path_(std::move(path)), repo_(std::move(repo)) {}

  Result<ObjectBody> MetadataBody(const LocalObject& object) const;
  Result<ObjectBody> ArchivedFileBody(const LocalObject& object) const;
  Result<ObjectBody> CompressedFileBody(const LocalObject& object) const;

  std::filesystem::path path_;
  GObjectPtr<OstreeRepo> repo_;
};

}  // namespace otter::treehub_client::internal
