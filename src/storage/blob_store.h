// Content-addressed blob store: files named by their SHA-256 under a folder.
//
//   <root>/blobs/sha256/ab/abcdef0123...   (64 lowercase hex digits)
//   <root>/tmp/blob-XXXXXX                 (uploads in progress)
//
// A blob is written to a temporary file in <root>/tmp (the same file system),
// hashed while it streams, fsynced, and only then linked under its name, so a
// name is never visible for partial or unverified bytes, not even after a
// crash or a full disk. The folder may be shared by several servers (NFS):
//  - Publishing uses link(2), which is atomic and never replaces an existing
//    file: a second writer of the same blob finds it there (EEXIST) and
//    succeeds without touching it. Replacing it would give ESTALE to another
//    NFS client that is serving it. Where hard links are not supported,
//    rename(2) is used instead (atomic, and the bytes are the same).
//  - An existing blob whose size differs from the new one is damaged and is
//    replaced by rename(2).
//  - Each writer holds flock(2) on its temporary file; CleanTemporaryFiles()
//    removes only files nobody holds, so a starting server does not delete
//    another server's upload. On NFS mounted with `nolock`, flock is local
//    only: pass a min_age longer than any upload may stall.
// Blobs are immutable and never modified in place. A BlobStore is immutable
// after Create(); it and separate writers may be used from several threads.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/errors.h"

namespace otter::storage {

// The system calls a writer makes on its temporary file. Tests substitute
// them to inject faults such as ENOSPC; errors are reported like the real
// calls: -1 with errno set.
class BlobFileIo {
 public:
  virtual ~BlobFileIo() = default;
  virtual ssize_t Write(int fd, const char* data, std::size_t size) = 0;  // write(2)
  virtual int Sync(int fd) = 0;                                           // fsync(2)
};

// The real write(2) and fsync(2).
std::shared_ptr<BlobFileIo> SystemBlobFileIo();

struct BlobStoreOptions {
  std::uint64_t max_blob_size = std::uint64_t{8} << 30;  // 8 GiB
  std::shared_ptr<BlobFileIo> io;                        // null: SystemBlobFileIo()
};

struct BlobInfo {
  std::string sha256;
  std::filesystem::path path;
  std::uint64_t size = 0;
};

// Streams one blob into the store. Destroying a writer without Commit()
// aborts it. After an error, the writer is finished (its temporary file is
// gone) and every later call fails.
class BlobWriter {
 public:
  BlobWriter(BlobWriter&&) noexcept;
  BlobWriter& operator=(BlobWriter&&) noexcept;
  ~BlobWriter();

  // kTooLarge past the size limit, kNoSpace on a full disk or quota, kIo.
  Status Write(std::string_view data);
  // Verifies the digest against `expected_sha256` when given (kHashMismatch
  // otherwise), makes the bytes durable and publishes them. Committing a blob
  // that exists already succeeds.
  Result<BlobInfo> Commit(std::optional<std::string_view> expected_sha256 = std::nullopt);
  // Deletes the temporary file. Safe to call at any time.
  void Abort();

  std::uint64_t size() const;

 private:
  friend class BlobStore;
  struct State;
  explicit BlobWriter(std::unique_ptr<State> state);
  static Result<BlobWriter> Start(const std::filesystem::path& root, std::uint64_t max_size,
                                  std::shared_ptr<BlobFileIo> io);
  std::unique_ptr<State> state_;
};

class BlobStore {
 public:
  // Creates <root>/blobs/sha256 and <root>/tmp when missing.
  static Result<BlobStore> Create(std::filesystem::path root, BlobStoreOptions options = {});

  // A writer limited to the store's max_blob_size, or to `max_size` when it
  // is smaller (for example an upload's declared length).
  Result<BlobWriter> BeginWrite(std::optional<std::uint64_t> max_size = std::nullopt) const;
  // Write + Commit of bytes in memory.
  Result<BlobInfo> Put(std::string_view data,
                       std::optional<std::string_view> expected_sha256 = std::nullopt) const;

  // Path and size of a blob; kNotFound when absent, kInvalidArgument for a
  // malformed digest.
  Result<BlobInfo> Open(std::string_view sha256) const;
  Result<bool> Exists(std::string_view sha256) const;
  // Removes a blob durably; removing an absent blob succeeds.
  Status Remove(std::string_view sha256) const;

  // Removes temporary files left by writers that died (a crash, a kill):
  // those no live writer holds and that were last modified at least
  // `min_age` ago. Returns how many it removed. Call it at start-up.
  Result<std::size_t> CleanTemporaryFiles(std::chrono::seconds min_age = {}) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  BlobStore(std::filesystem::path root, BlobStoreOptions options);
  std::filesystem::path BlobPath(std::string_view sha256) const;

  std::filesystem::path root_;
  BlobStoreOptions options_;
};

// True for 64 lowercase hex digits.
bool IsSha256Hex(std::string_view digest);

}  // namespace otter::storage
