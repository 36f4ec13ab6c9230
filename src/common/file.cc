#include "common/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/errors.h"

namespace otter {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kReadChunk = 64 * 1024;

// Owns a file descriptor. Close() reports the error that the destructor
// would have to drop.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  int Close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

// Call right after the failing system call: errno is read first.
Error SystemError(const char* action, const fs::path& path) {
  const int error_number = errno;
  return ErrnoError(std::string(action) + " " + path.string(), error_number);
}

// Like SystemError, but a missing file is kNotFound.
Error OpenError(const fs::path& path) {
  const int error_number = errno;
  if (error_number != ENOENT) return ErrnoError("opening " + path.string(), error_number);
  return MakeError(CommonErrc::kNotFound,
                   "opening " + path.string() + ": " + std::strerror(ENOENT));
}

fs::path FolderOf(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

Error TooLarge(const fs::path& path, std::uint64_t max_bytes) {
  return MakeError(CommonErrc::kTooLarge, "reading " + path.string() + ": larger than " +
                                              std::to_string(max_bytes) + " bytes");
}

Status ReadAll(int fd, const fs::path& path, std::uint64_t max_bytes, std::string& data) {
  char buffer[kReadChunk];
  while (true) {
    const ssize_t count = ::read(fd, buffer, sizeof(buffer));
    if (count == 0) return Ok();
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return SystemError("reading", path);
    if (data.size() + static_cast<std::size_t>(count) > max_bytes) {
      return TooLarge(path, max_bytes);
    }
    data.append(buffer, static_cast<std::size_t>(count));
  }
}

Status WriteAll(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    const ssize_t count = ::write(fd, data.data(), data.size());
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return SystemError("writing", path);
    data.remove_prefix(static_cast<std::size_t>(count));
  }
  return Ok();
}

Status SyncFolder(const fs::path& folder) {
  UniqueFd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return SystemError("opening folder", folder);
  if (::fsync(fd.get()) != 0) return SystemError("syncing folder", folder);
  return Ok();
}

// Fills the temporary file and makes it durable, closing it in every case.
Status FillTemp(UniqueFd fd, std::string_view data, fs::perms perms, const fs::path& temp_path) {
  OTTER_TRY(WriteAll(fd.get(), data, temp_path));
  const auto mode = static_cast<mode_t>(perms & fs::perms::mask);
  if (::fchmod(fd.get(), mode) != 0) return SystemError("chmod", temp_path);
  if (::fsync(fd.get()) != 0) return SystemError("syncing", temp_path);
  if (fd.Close() != 0) return SystemError("closing", temp_path);
  return Ok();
}

}  // namespace

Result<std::string> ReadFile(const fs::path& path, std::uint64_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return OpenError(path);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return SystemError("reading", path);
  if (static_cast<std::uint64_t>(info.st_size) > max_bytes) {
    return TooLarge(path, max_bytes);
  }
  std::string data;
  data.reserve(static_cast<std::size_t>(info.st_size));
  OTTER_TRY(ReadAll(fd.get(), path, max_bytes, data));
  return data;
}

Status WriteFileAtomic(const fs::path& path, std::string_view data, fs::perms perms) {
  // Hidden and uniquely named by mkostemp, created with mode 0600.
  std::string temp_name =
      (FolderOf(path) / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkostemp(temp_name.data(), O_CLOEXEC);
  if (fd < 0) {
    const int error_number = errno;
    return ErrnoError("creating " + temp_name, error_number);
  }
  const fs::path temp_path = temp_name;
  Status status = FillTemp(UniqueFd(fd), data, perms, temp_path);
  if (status.ok() && ::rename(temp_path.c_str(), path.c_str()) != 0) {
    status = SystemError("renaming temporary file to", path);
  }
  if (!status.ok()) {
    ::unlink(temp_path.c_str());
    return status;
  }
  return SyncFolder(FolderOf(path));
}

Status RemoveFileDurably(const fs::path& path) {
  if (::unlink(path.c_str()) == 0) return SyncFolder(FolderOf(path));
  if (errno != ENOENT) return SystemError("removing", path);
  // Already gone, but an earlier removal may not have reached the disk.
  std::error_code ignored;
  if (!fs::is_directory(FolderOf(path), ignored)) return Ok();
  return SyncFolder(FolderOf(path));
}

}  // namespace otter
