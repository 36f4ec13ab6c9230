#include "storage/blob_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <thread>
#include <vector>

#include "common/file.h"
#include "common/hash.h"
#include "storage/errors.h"
#include "unit/storage/temp_folder.h"

namespace otter::storage {
namespace {

namespace fs = std::filesystem;

const std::string kData = "an OSTree object, a compose file or a firmware image";

// Fails write(2) with ENOSPC once `capacity` bytes are written, and fsync(2)
// with `sync_error` when it is set: a full disk without a small file system.
class FullDiskIo : public BlobFileIo {
 public:
  explicit FullDiskIo(std::size_t capacity, int sync_error = 0)
      : capacity_(capacity), sync_error_(sync_error) {}

  ssize_t Write(int fd, const char* data, std::size_t size) override {
    if (written_ >= capacity_) {
      errno = ENOSPC;
      return -1;
    }
    const std::size_t count = std::min(size, capacity_ - written_);  // a short write first
    const ssize_t result = ::write(fd, data, count);
    if (result > 0) written_ += static_cast<std::size_t>(result);
    return result;
  }
  int Sync(int fd) override {
    if (sync_error_ == 0) return ::fsync(fd);
    errno = sync_error_;
    return -1;
  }

 private:
  std::size_t capacity_;
  int sync_error_;
  std::size_t written_ = 0;
};

class BlobStoreTest : public ::testing::Test {
 protected:
  BlobStore Store(BlobStoreOptions options = {}) {
    auto store = BlobStore::Create(folder_.path() / "data", std::move(options));
    if (!store.ok()) throw std::runtime_error(store.error().message());
    return std::move(store).value();
  }

  fs::path Tmp() const { return folder_.path() / "data" / "tmp"; }
  fs::path Blobs() const { return folder_.path() / "data" / "blobs" / "sha256"; }

  static std::size_t FilesIn(const fs::path& folder) {
    std::size_t count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
      count += entry.is_regular_file() ? 1 : 0;
    }
    return count;
  }

  // Nothing visible and nothing left over.
  void ExpectEmpty() const {
    EXPECT_EQ(FilesIn(Tmp()), 0u);
    EXPECT_EQ(FilesIn(Blobs()), 0u);
  }

  testing::TempFolder folder_;
};

TEST_F(BlobStoreTest, WriteCommitRead) {
  BlobStore store = Store();
  auto writer = store.BeginWrite();
  ASSERT_TRUE(writer.ok()) << writer.error().message();
  for (std::size_t i = 0; i < kData.size(); i += 7) {
    ASSERT_TRUE(writer->Write(std::string_view(kData).substr(i, 7)).ok());
  }
  EXPECT_EQ(writer->size(), kData.size());
  const std::string digest = Sha256Hex(kData);
  const auto committed = writer->Commit(digest);
  ASSERT_TRUE(committed.ok()) << committed.error().message();
  EXPECT_EQ(committed->sha256, digest);
  EXPECT_EQ(committed->path, Blobs() / digest.substr(0, 2) / digest);

  const auto opened = store.Open(digest);
  ASSERT_TRUE(opened.ok()) << opened.error().message();
  EXPECT_EQ(opened->path, committed->path);
  EXPECT_EQ(opened->size, kData.size());
  EXPECT_EQ(*ReadFile(opened->path), kData);
  EXPECT_TRUE(*store.Exists(digest));
  EXPECT_EQ(FilesIn(Tmp()), 0u);
  EXPECT_EQ(fs::status(opened->path).permissions() & fs::perms::others_read,
            fs::perms::others_read);
}

TEST_F(BlobStoreTest, CommitWithoutExpectedHashNamesTheBlob) {
  BlobStore store = Store();
  const auto info = store.Put(kData);
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(info->sha256, Sha256Hex(kData));
  EXPECT_EQ(info->size, kData.size());
}

TEST_F(BlobStoreTest, EmptyBlob) {
  BlobStore store = Store();
  const auto info = store.Put("");
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(info->sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(store.Open(info->sha256)->size, 0u);
}

TEST_F(BlobStoreTest, WrongExpectedHashIsRefusedAndNothingVisible) {
  BlobStore store = Store();
  const std::string other = Sha256Hex("something else");
  const auto info = store.Put(kData, other);
  ASSERT_FALSE(info.ok());
  EXPECT_TRUE(info.error().Is(StorageErrc::kHashMismatch)) << info.error().message();
  EXPECT_FALSE(*store.Exists(Sha256Hex(kData)));
  EXPECT_FALSE(*store.Exists(other));
  ExpectEmpty();
}

TEST_F(BlobStoreTest, UppercaseExpectedHashIsAccepted) {
  BlobStore store = Store();
  std::string upper = Sha256Hex(kData);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto info = store.Put(kData, upper);
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_TRUE(store.Open(upper).ok());
}

TEST_F(BlobStoreTest, MalformedDigestsAreRefused) {
  BlobStore store = Store();
  for (const char* digest : {"", "abc", "../../../../etc/passwd",
                             "zz5f337ee451b4c098d121d09cc224bacc7794503ac58a47a78cfe7ebefb7fab"}) {
    const auto opened = store.Open(digest);
    ASSERT_FALSE(opened.ok()) << digest;
    EXPECT_TRUE(opened.error().Is(StorageErrc::kInvalidArgument)) << digest;
    EXPECT_FALSE(store.Exists(digest).ok());
    EXPECT_FALSE(store.Remove(digest).ok());
  }
  const auto put = store.Put(kData, "not-a-digest");
  ASSERT_FALSE(put.ok());
  EXPECT_TRUE(put.error().Is(StorageErrc::kInvalidArgument));
  ExpectEmpty();
}

TEST_F(BlobStoreTest, MissingBlobIsNotFound) {
  BlobStore store = Store();
  const auto opened = store.Open(Sha256Hex(kData));
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(opened.error().Is(StorageErrc::kNotFound));
  EXPECT_FALSE(*store.Exists(Sha256Hex(kData)));
}

TEST_F(BlobStoreTest, StoreSizeLimit) {
  BlobStoreOptions options;
  options.max_blob_size = 10;
  BlobStore store = Store(options);
  EXPECT_TRUE(store.Put("0123456789").ok());  // exactly the limit

  auto writer = store.BeginWrite();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->Write("012345").ok());
  const Status too_much = writer->Write("67890");
  ASSERT_FALSE(too_much.ok());
  EXPECT_TRUE(too_much.error().Is(StorageErrc::kTooLarge)) << too_much.error().message();
  EXPECT_EQ(FilesIn(Tmp()), 0u);
  // The writer is finished.
  EXPECT_FALSE(writer->Write("x").ok());
  EXPECT_FALSE(writer->Commit().ok());
  EXPECT_EQ(FilesIn(Blobs()), 1u);
}

TEST_F(BlobStoreTest, PerWriteSizeLimit) {
  BlobStore store = Store();
  auto writer = store.BeginWrite(4);
  ASSERT_TRUE(writer.ok());
  const Status status = writer->Write("12345");
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(StorageErrc::kTooLarge));
  ExpectEmpty();
}

TEST_F(BlobStoreTest, AbortAndDestructionRemoveTheTemporaryFile) {
  BlobStore store = Store();
  {
    auto writer = store.BeginWrite();
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->Write(kData).ok());
    EXPECT_EQ(FilesIn(Tmp()), 1u);
    writer->Abort();
    EXPECT_EQ(FilesIn(Tmp()), 0u);
    EXPECT_FALSE(writer->Commit().ok());
  }
  {
    auto writer = store.BeginWrite();
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->Write(kData).ok());
  }
  ExpectEmpty();
}

TEST_F(BlobStoreTest, MovedWriterKeepsWriting) {
  BlobStore store = Store();
  auto started = store.BeginWrite();
  ASSERT_TRUE(started.ok());
  BlobWriter writer = std::move(started).value();
  ASSERT_TRUE(writer.Write(kData).ok());
  BlobWriter moved = std::move(writer);
  EXPECT_TRUE(moved.Commit(Sha256Hex(kData)).ok());
  EXPECT_EQ(FilesIn(Tmp()), 0u);
}

// A writer killed mid-upload (no destructor, no Abort) leaves its temporary
// file but no visible blob; the next start removes the file.
TEST_F(BlobStoreTest, CrashLeavesNoVisibleBlobAndCleanupRemovesTheRest) {
  BlobStore store = Store();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto writer = store.BeginWrite();
    if (!writer.ok() || !writer->Write(kData.substr(0, 10)).ok()) ::_exit(1);
    ::_exit(0);  // as if killed: no Abort, no Commit
  }
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);

  EXPECT_EQ(FilesIn(Tmp()), 1u);
  EXPECT_EQ(FilesIn(Blobs()), 0u);
  const auto removed = store.CleanTemporaryFiles();
  ASSERT_TRUE(removed.ok()) << removed.error().message();
  EXPECT_EQ(*removed, 1u);
  ExpectEmpty();
}

TEST_F(BlobStoreTest, CleanupSparesLiveWritersAndRecentFiles) {
  BlobStore store = Store();
  auto writer = store.BeginWrite();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->Write(kData).ok());
  std::ofstream(Tmp() / "blob-recent") << "left by a crash a moment ago";
  std::ofstream(Tmp() / "unrelated") << "not ours";

  const auto spared = store.CleanTemporaryFiles(std::chrono::hours(1));
  ASSERT_TRUE(spared.ok()) << spared.error().message();
  EXPECT_EQ(*spared, 0u);

  const auto removed = store.CleanTemporaryFiles();
  ASSERT_TRUE(removed.ok()) << removed.error().message();
  EXPECT_EQ(*removed, 1u);  // blob-recent; the live writer's file stays
  EXPECT_TRUE(fs::exists(Tmp() / "unrelated"));
  const auto committed = writer->Commit(Sha256Hex(kData));
  EXPECT_TRUE(committed.ok()) << committed.error().message();
}

TEST_F(BlobStoreTest, CommittingAnExistingBlobSucceedsWithoutReplacingIt) {
  BlobStore store = Store();
  const auto first = store.Put(kData);
  ASSERT_TRUE(first.ok());
  const auto inode = fs::hard_link_count(first->path);
  struct stat before {};
  ASSERT_EQ(::stat(first->path.c_str(), &before), 0);
  const auto second = store.Put(kData);
  ASSERT_TRUE(second.ok()) << second.error().message();
  struct stat after {};
  ASSERT_EQ(::stat(second->path.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(fs::hard_link_count(second->path), inode);
  EXPECT_EQ(FilesIn(Tmp()), 0u);
}

TEST_F(BlobStoreTest, DamagedBlobOfWrongSizeIsReplaced) {
  BlobStore store = Store();
  const std::string digest = Sha256Hex(kData);
  fs::create_directories(Blobs() / digest.substr(0, 2));
  std::ofstream(Blobs() / digest.substr(0, 2) / digest) << "trunc";
  const auto info = store.Put(kData);
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(*ReadFile(info->path), kData);
  EXPECT_EQ(FilesIn(Tmp()), 0u);
}

TEST_F(BlobStoreTest, ConcurrentWritersOfTheSameBlobAllSucceed) {
  BlobStore store = Store();
  std::string big(std::size_t{256} * 1024, 'x');
  for (std::size_t i = 0; i < big.size(); i += 97) big[i] = static_cast<char>(i);
  constexpr int kWriters = 8;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  threads.reserve(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&] {
      auto writer = store.BeginWrite();
      if (!writer.ok()) return;
      for (std::size_t at = 0; at < big.size(); at += 4096) {
        if (!writer->Write(std::string_view(big).substr(at, 4096)).ok()) return;
      }
      const auto info = writer->Commit(Sha256Hex(big));
      if (info.ok())
        ++ok;
      else
        ADD_FAILURE() << info.error().message();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok, kWriters);
  EXPECT_EQ(FilesIn(Blobs()), 1u);
  EXPECT_EQ(FilesIn(Tmp()), 0u);
  EXPECT_EQ(*ReadFile(store.Open(Sha256Hex(big))->path), big);
}

TEST_F(BlobStoreTest, DiskFullWhileWritingIsAClearErrorAndLeavesNothing) {
  BlobStoreOptions options;
  options.io = std::make_shared<FullDiskIo>(20);
  BlobStore store = Store(options);
  auto writer = store.BeginWrite();
  ASSERT_TRUE(writer.ok());
  const Status status = writer->Write(kData);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(StorageErrc::kNoSpace)) << status.error().message();
  EXPECT_NE(status.error().message().find("No space left on device"), std::string::npos)
      << status.error().message();
  EXPECT_FALSE(writer->Commit().ok());
  ExpectEmpty();
}

// NFS and some file systems report a full disk only at fsync or close.
TEST_F(BlobStoreTest, DiskFullAtSyncIsAClearErrorAndLeavesNothing) {
  BlobStoreOptions options;
  options.io = std::make_shared<FullDiskIo>(SIZE_MAX, EDQUOT);
  BlobStore store = Store(options);
  const auto info = store.Put(kData, Sha256Hex(kData));
  ASSERT_FALSE(info.ok());
  EXPECT_TRUE(info.error().Is(StorageErrc::kNoSpace)) << info.error().message();
  ExpectEmpty();
}

TEST_F(BlobStoreTest, RemoveIsDurableAndIdempotent) {
  BlobStore store = Store();
  const auto info = store.Put(kData);
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(store.Remove(info->sha256).ok());
  EXPECT_FALSE(*store.Exists(info->sha256));
  EXPECT_TRUE(store.Remove(info->sha256).ok());
  // It can be stored again.
  EXPECT_TRUE(store.Put(kData).ok());
}

TEST_F(BlobStoreTest, TwoStoresOnOneFolderShareBlobs) {
  BlobStore first = Store();
  BlobStore second = Store();
  const auto info = first.Put(kData);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(*second.Exists(info->sha256));
}

}  // namespace
}  // namespace otter::storage
