#include "storage/blob_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "common/file.h"
#include "storage/blob_files.h"

namespace otter::storage {

namespace fs = std::filesystem;

namespace {

class SystemIo : public BlobFileIo {
 public:
  ssize_t Write(int fd, const char* data, std::size_t size) override {
    return ::write(fd, data, size);
  }
  int Sync(int fd) override { return ::fsync(fd); }
};

Result<dev_t> DeviceOf(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return FileError("reading " + path.string(), errno);
  return info.st_dev;
}

Status CreateFolders(const fs::path& root) {
  std::error_code error;
  fs::create_directories(BlobsFolder(root), error);
  if (!error) fs::create_directories(TmpFolder(root), error);
  if (error) {
    return MakeError(StorageErrc::kInvalidConfig,
                     "creating blob store folders in " + root.string() + ": " + error.message());
  }
  OTTER_TRY(SyncFolder(root / "blobs"));
  return SyncFolder(root);
}

// Removes one temporary file if no writer holds it and it is old enough.
// True when it removed it.
Result<bool> CleanOne(const fs::path& path, std::chrono::seconds min_age) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (fd.get() < 0) {
    if (errno == ENOENT) return false;  // its writer committed or aborted meanwhile
    return FileError("opening " + path.string(), errno);
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return false;  // a live writer
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return FileError("reading " + path.string(), errno);
  if (!S_ISREG(info.st_mode) || std::time(nullptr) - info.st_mtime < min_age.count()) {
    return false;
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return FileError("removing " + path.string(), errno);
  }
  return true;
}

}  // namespace

std::shared_ptr<BlobFileIo> SystemBlobFileIo() { return std::make_shared<SystemIo>(); }

bool IsSha256Hex(std::string_view digest) {
  if (digest.size() != 64) return false;
  for (const char c : digest) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

BlobStore::BlobStore(fs::path root, BlobStoreOptions options)
    : root_(std::move(root)), options_(std::move(options)) {}

Result<BlobStore> BlobStore::Create(fs::path root, BlobStoreOptions options) {
  OTTER_TRY(CreateFolders(root));
  OTTER_ASSIGN(const dev_t blobs_device, DeviceOf(BlobsFolder(root)));
  OTTER_ASSIGN(const dev_t tmp_device, DeviceOf(TmpFolder(root)));
  if (blobs_device != tmp_device) {
    return MakeError(StorageErrc::kInvalidConfig,
                     "blob store " + root.string() +
                         ": tmp/ and blobs/ are on different file "
                         "systems, so blobs cannot be published atomically");
  }
  if (!options.io) options.io = SystemBlobFileIo();
  return BlobStore(std::move(root), std::move(options));
}

Result<BlobWriter> BlobStore::BeginWrite(std::optional<std::uint64_t> max_size) const {
  return BlobWriter::Start(root_, std::min(options_.max_blob_size, max_size.value_or(UINT64_MAX)),
                           options_.io);
}

Result<BlobInfo> BlobStore::Put(std::string_view data,
                                std::optional<std::string_view> expected_sha256) const {
  OTTER_ASSIGN(BlobWriter writer, BeginWrite());
  OTTER_TRY(writer.Write(data));
  return writer.Commit(expected_sha256);
}

fs::path BlobStore::BlobPath(std::string_view sha256) const {
  return BlobsFolder(root_) / sha256.substr(0, 2) / sha256;
}

Result<BlobInfo> BlobStore::Open(std::string_view sha256) const {
  OTTER_ASSIGN(std::string digest, NormalizeSha256(sha256));
  BlobInfo info{digest, BlobPath(digest), 0};
  struct stat file {};
  if (::stat(info.path.c_str(), &file) != 0) {
    if (errno == ENOENT) return MakeError(StorageErrc::kNotFound, "blob " + digest + " not found");
    return FileError("reading " + info.path.string(), errno);
  }
  info.size = static_cast<std::uint64_t>(file.st_size);
  return info;
}

Result<bool> BlobStore::Exists(std::string_view sha256) const {
  Result<BlobInfo> info = Open(sha256);
  if (info.ok()) return true;
  if (info.error().Is(StorageErrc::kNotFound)) return false;
  return std::move(info).error();
}

Status BlobStore::Remove(std::string_view sha256) const {
  OTTER_ASSIGN(std::string digest, NormalizeSha256(sha256));
  Status removed = RemoveFileDurably(BlobPath(digest));
  if (!removed.ok()) return MakeError(StorageErrc::kIo, removed.error().message());
  return Ok();
}

Result<std::size_t> BlobStore::CleanTemporaryFiles(std::chrono::seconds min_age) const {
  const fs::path folder = TmpFolder(root_);
  std::error_code error;
  std::size_t removed = 0;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (!entry.path().filename().string().starts_with(kTempPrefix)) continue;
    OTTER_ASSIGN(const bool gone, CleanOne(entry.path(), min_age));
    removed += gone ? 1 : 0;
  }
  if (error) {
    return MakeError(StorageErrc::kIo, "listing " + folder.string() + ": " + error.message());
  }
  if (removed > 0) OTTER_TRY(SyncFolder(folder));
  return removed;
}

}  // namespace otter::storage
