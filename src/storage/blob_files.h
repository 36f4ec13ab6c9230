// File-system helpers shared by BlobStore and BlobWriter (internal to
// storage).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace otter::storage {

// Temporary files are <root>/tmp/blob-XXXXXX.
inline constexpr std::string_view kTempPrefix = "blob-";

inline std::filesystem::path TmpFolder(const std::filesystem::path& root) { return root / "tmp"; }
inline std::filesystem::path BlobsFolder(const std::filesystem::path& root) {
  return root / "blobs" / "sha256";
}

// Owns a file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  ~UniqueFd();

  int get() const { return fd_; }
  // Closes now and reports close(2)'s result (NFS reports write errors here).
  int Close();

 private:
  int fd_ = -1;
};

// An error for a failed system call: kNoSpace for ENOSPC and EDQUOT, kIo
// otherwise, with strerror appended.
Error FileError(const std::string& what, int error_number);

Status SyncFolder(const std::filesystem::path& folder);

// Lowercases a hex digest and checks that it is one (kInvalidArgument).
Result<std::string> NormalizeSha256(std::string_view digest);

// Creates <root>/tmp/blob-XXXXXX and locks it (flock), so that
// CleanTemporaryFiles() leaves it alone.
Result<std::pair<UniqueFd, std::filesystem::path>> CreateLockedTemp(
    const std::filesystem::path& tmp_folder);

// Publishes the durable temporary file `temp` (of `size` bytes) under
// `target`, creating target's folder; see blob_store.h for the rules.
Status Publish(const std::filesystem::path& temp, const std::filesystem::path& target,
               std::uint64_t size);

}  // namespace otter::storage
