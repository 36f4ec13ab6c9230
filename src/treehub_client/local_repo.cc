#include "treehub_client/local_repo.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "common/errors.h"
#include "treehub_client/treehub_client.h"

namespace otter::treehub_client::internal {
namespace {

Error LocalError(const GlibError& error, std::string_view context) {
  return MakeError(TreehubClientErrc::kLocalRepository,
                   std::string(context) + ": " + error.message());
}

std::string WireName(const char* checksum, OstreeObjectType type) {
  if (type == OSTREE_OBJECT_TYPE_FILE) return std::string(checksum) + ".filez";
  GCharPtr name(ostree_object_to_string(checksum, type));
  return name.get();
}

// Upload order: what others point to goes first.
int Rank(OstreeObjectType type) {
  switch (type) {
    case OSTREE_OBJECT_TYPE_FILE:
      return 0;
    case OSTREE_OBJECT_TYPE_DIR_META:
      return 1;
    case OSTREE_OBJECT_TYPE_DIR_TREE:
      return 2;
    default:
      return 3;
  }
}

bool IsPushed(OstreeObjectType type) {
  return type == OSTREE_OBJECT_TYPE_FILE || type == OSTREE_OBJECT_TYPE_DIR_META ||
         type == OSTREE_OBJECT_TYPE_DIR_TREE || type == OSTREE_OBJECT_TYPE_COMMIT;
}

// Reads a file descriptor it owns.
class FdReader {
 public:
  explicit FdReader(int fd) : fd_(fd) {}
  ~FdReader() { ::close(fd_); }
  FdReader(const FdReader&) = delete;
  FdReader& operator=(const FdReader&) = delete;

  Result<std::size_t> Read(char* buffer, std::size_t size) const {
    while (true) {
      const ssize_t count = ::read(fd_, buffer, size);
      if (count >= 0) return static_cast<std::size_t>(count);
      if (errno != EINTR) {
        return MakeError(TreehubClientErrc::kLocalRepository,
                         ErrnoError("reading an object", errno).message());
      }
    }
  }

 private:
  int fd_;
};

BodySource StreamSource(std::shared_ptr<GInputStream> stream) {
  return [stream](char* buffer, std::size_t size) -> Result<std::size_t> {
    GlibError error;
    const gssize count = g_input_stream_read(stream.get(), buffer, size, nullptr, error.out());
    if (count < 0) return LocalError(error, "reading an object");
    return static_cast<std::size_t>(count);
  };
}

std::shared_ptr<GInputStream> Share(GInputStream* stream) {
  return std::shared_ptr<GInputStream>(stream, GObjectUnref());
}

}  // namespace

Result<LocalRepo> LocalRepo::Open(const std::filesystem::path& path) {
  GlibError error;
  GObjectPtr<OstreeRepo> repo(ostree_repo_open_at(AT_FDCWD, path.c_str(), nullptr, error.out()));
  if (!repo) return LocalError(error, "opening " + path.string());
  return LocalRepo(path, std::move(repo));
}

Result<std::string> LocalRepo::Resolve(const std::string& ref) const {
  char* commit = nullptr;
  GlibError error;
  if (!ostree_repo_resolve_rev(repo_.get(), ref.c_str(), FALSE, &commit, error.out())) {
    return LocalError(error, "resolving " + ref);
  }
  GCharPtr owner(commit);
  return std::string(commit);
}

Result<std::vector<LocalObject>> LocalRepo::Objects(const std::string& commit) const {
  GHashTable* reachable = nullptr;
  GlibError error;
  if (!ostree_repo_traverse_commit(repo_.get(), commit.c_str(), 0, &reachable, nullptr,
                                   error.out())) {
    return LocalError(error, "walking commit " + commit);
  }
  HashTablePtr owner(reachable);
  std::vector<LocalObject> objects;
  GHashTableIter iter;
  gpointer key = nullptr;
  g_hash_table_iter_init(&iter, reachable);
  while (g_hash_table_iter_next(&iter, &key, nullptr)) {
    const char* checksum = nullptr;
    OstreeObjectType type = OSTREE_OBJECT_TYPE_FILE;
    ostree_object_name_deserialize(static_cast<GVariant*>(key), &checksum, &type);
    if (!IsPushed(type)) continue;
    objects.push_back({.checksum = checksum, .type = type, .name = WireName(checksum, type)});
  }
  std::sort(objects.begin(), objects.end(), [](const LocalObject& a, const LocalObject& b) {
    return Rank(a.type) != Rank(b.type) ? Rank(a.type) < Rank(b.type) : a.name < b.name;
  });
  return objects;
}

Result<std::uint64_t> LocalRepo::StorageSize(const LocalObject& object) const {
  guint64 size = 0;
  GlibError error;
  if (!ostree_repo_query_object_storage_size(repo_.get(), object.type, object.checksum.c_str(),
                                             &size, nullptr, error.out())) {
    return LocalError(error, "sizing " + object.name);
  }
  return static_cast<std::uint64_t>(size);
}

Result<ObjectBody> LocalRepo::OpenBody(const LocalObject& object) const {
  if (object.type != OSTREE_OBJECT_TYPE_FILE) return MetadataBody(object);
  if (ostree_repo_get_mode(repo_.get()) == OSTREE_REPO_MODE_ARCHIVE) {
    return ArchivedFileBody(object);
  }
  return CompressedFileBody(object);
}

Result<ObjectBody> LocalRepo::MetadataBody(const LocalObject& object) const {
  GVariant* variant = nullptr;
  GlibError error;
  if (!ostree_repo_load_variant(repo_.get(), object.type, object.checksum.c_str(), &variant,
                                error.out())) {
    return LocalError(error, "loading " + object.name);
  }
  VariantPtr owner(variant);
  auto bytes = std::make_shared<std::string>(static_cast<const char*>(g_variant_get_data(variant)),
                                             g_variant_get_size(variant));
  auto offset = std::make_shared<std::size_t>(0);
  BodySource source = [bytes, offset](char* buffer, std::size_t size) -> Result<std::size_t> {
    const std::size_t count = std::min(size, bytes->size() - *offset);
    std::copy_n(bytes->data() + *offset, count, buffer);
    *offset += count;
    return count;
  };
  return ObjectBody{std::move(source), bytes->size()};
}

// An archive repository keeps files as .filez already: sent as they are.
Result<ObjectBody> LocalRepo::ArchivedFileBody(const LocalObject& object) const {
  const std::filesystem::path file =
      path_ / "objects" / object.checksum.substr(0, 2) / (object.checksum.substr(2) + ".filez");
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return CompressedFileBody(object);  // e.g. in a parent repo
  if (fd < 0) {
    return MakeError(TreehubClientErrc::kLocalRepository,
                     ErrnoError("opening " + file.string(), errno).message());
  }
  auto reader = std::make_shared<FdReader>(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return MakeError(TreehubClientErrc::kLocalRepository,
                     ErrnoError("reading " + file.string(), errno).message());
  }
  BodySource source = [reader](char* buffer, std::size_t size) {
    return reader->Read(buffer, size);
  };
  return ObjectBody{std::move(source), static_cast<std::uint64_t>(info.st_size)};
}

// Other modes keep files as they are: compressed into .filez as they are read.
Result<ObjectBody> LocalRepo::CompressedFileBody(const LocalObject& object) const {
  GInputStream* input = nullptr;
  GFileInfo* info = nullptr;
  GVariant* xattrs = nullptr;
  GlibError error;
  if (!ostree_repo_load_file(repo_.get(), object.checksum.c_str(), &input, &info, &xattrs, nullptr,
                             error.out())) {
    return LocalError(error, "loading " + object.name);
  }
  GObjectPtr<GInputStream> input_owner(input);
  GObjectPtr<GFileInfo> info_owner(info);
  VariantPtr xattrs_owner(xattrs);
  GInputStream* archived = nullptr;
  if (!ostree_raw_file_to_archive_z2_stream(input, info, xattrs, &archived, nullptr, error.out())) {
    return LocalError(error, "compressing " + object.name);
  }
  return ObjectBody{StreamSource(Share(archived)), std::nullopt};
}

}  // namespace otter::treehub_client::internal
