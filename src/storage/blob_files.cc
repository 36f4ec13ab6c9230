#include "storage/blob_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/blob_store.h"
#include "storage/errors.h"

namespace otter::storage {
namespace {

namespace fs = std::filesystem;

constexpr int kTempAttempts = 5;

// Creates `folder` (mode 0755) if missing; fsyncs its parent when it did.
Status EnsureFolder(const fs::path& folder) {
  if (::mkdir(folder.c_str(), 0755) == 0) return SyncFolder(folder.parent_path());
  if (errno == EEXIST) return Ok();
  return FileError("creating " + folder.string(), errno);
}

// True when the file system cannot make hard links.
bool NoHardLinks(int error_number) {
  return error_number == EPERM || error_number == EOPNOTSUPP || error_number == EMLINK ||
         error_number == ENOSYS;
}

// Links `temp` under `target`; true when `temp` still needs unlinking.
Result<bool> LinkOrRename(const fs::path& temp, const fs::path& target, std::uint64_t size) {
  if (::link(temp.c_str(), target.c_str()) == 0) return true;
  const int link_error = errno;
  if (link_error == EEXIST) {
    struct stat existing {};
    if (::stat(target.c_str(), &existing) == 0 &&
        static_cast<std::uint64_t>(existing.st_size) == size) {
      return true;  // published already, by us earlier or by another writer
    }
  } else if (!NoHardLinks(link_error)) {
    return FileError("linking " + target.string(), link_error);
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    return FileError("renaming to " + target.string(), errno);
  }
  return false;
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::Close() { return fd_ < 0 ? 0 : ::close(std::exchange(fd_, -1)); }

Error FileError(const std::string& what, int error_number) {
  const bool full = error_number == ENOSPC || error_number == EDQUOT;
  return MakeError(full ? StorageErrc::kNoSpace : StorageErrc::kIo,
                   what + ": " + std::strerror(error_number));
}

Status SyncFolder(const fs::path& folder) {
  UniqueFd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return FileError("opening folder " + folder.string(), errno);
  if (::fsync(fd.get()) != 0) return FileError("syncing folder " + folder.string(), errno);
  return Ok();
}

Result<std::string> NormalizeSha256(std::string_view digest) {
  std::string lower(digest);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!IsSha256Hex(lower)) {
    return MakeError(StorageErrc::kInvalidArgument,
                     "not a sha256 digest: \"" + std::string(digest.substr(0, 80)) + "\"");
  }
  return lower;
}

Result<std::pair<UniqueFd, fs::path>> CreateLockedTemp(const fs::path& tmp_folder) {
  for (int attempt = 0; attempt < kTempAttempts; ++attempt) {
    std::string name = (tmp_folder / (std::string(kTempPrefix) + "XXXXXX")).string();
    UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));
    if (fd.get() < 0) return FileError("creating a file in " + tmp_folder.string(), errno);
    struct stat info {};
    // A cleaner may have taken the new file for a dead one: it holds the
    // lock, or it already unlinked the file. Start again with a new name.
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0 && ::fstat(fd.get(), &info) == 0 &&
        info.st_nlink > 0) {
      return std::make_pair(std::move(fd), fs::path(name));
    }
  }
  return MakeError(StorageErrc::kIo, "cannot create a temporary file in " + tmp_folder.string());
}

Status Publish(const fs::path& temp, const fs::path& target, std::uint64_t size) {
  OTTER_TRY(EnsureFolder(target.parent_path()));
  OTTER_ASSIGN(const bool unlink_temp, LinkOrRename(temp, target, size));
  OTTER_TRY(SyncFolder(target.parent_path()));
  // A temporary file left behind by a crash here is removed at start-up.
  if (unlink_temp) ::unlink(temp.c_str());
  return Ok();
}

}  // namespace otter::storage
