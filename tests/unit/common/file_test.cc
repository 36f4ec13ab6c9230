#include "common/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "common/errors.h"

namespace otter {
namespace {

namespace fs = std::filesystem;

class FileTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(testing::TempDir()) / "file_test.XXXXXX");
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  static void WritePlain(const fs::path& path, const std::string& data) {
    std::ofstream(path, std::ios::binary) << data;
  }

  fs::path dir_;
};

TEST_F(FileTest, ReadsWholeFile) {
  const std::string data("line\n\0binary\xff", 13);
  WritePlain(dir_ / "a", data);
  const auto read = ReadFile(dir_ / "a");
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(*read, data);
}

TEST_F(FileTest, ReadsEmptyFile) {
  WritePlain(dir_ / "empty", "");
  const auto read = ReadFile(dir_ / "empty", 0);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "");
}

TEST_F(FileTest, ReadMissingIsNotFound) {
  const auto read = ReadFile(dir_ / "missing");
  ASSERT_FALSE(read.ok());
  EXPECT_TRUE(read.error().Is(CommonErrc::kNotFound));
  EXPECT_NE(read.error().message().find("missing"), std::string::npos);
}

TEST_F(FileTest, ReadCapsSize) {
  WritePlain(dir_ / "a", std::string(100, 'x'));
  EXPECT_TRUE(ReadFile(dir_ / "a", 100).ok());
  const auto read = ReadFile(dir_ / "a", 99);
  ASSERT_FALSE(read.ok());
  EXPECT_TRUE(read.error().Is(CommonErrc::kTooLarge));
}

TEST_F(FileTest, ReadCapsStreamsWithoutSize) {
  // /dev/zero reports size 0 and never ends: only the read loop stops it.
  const auto read = ReadFile("/dev/zero", 200000);
  ASSERT_FALSE(read.ok());
  EXPECT_TRUE(read.error().Is(CommonErrc::kTooLarge));
}

TEST_F(FileTest, ReadFolderFails) {
  const auto read = ReadFile(dir_);
  ASSERT_FALSE(read.ok());
  EXPECT_TRUE(read.error().Is(CommonErrc::kIo));
}

TEST_F(FileTest, WriteCreatesFile) {
  ASSERT_TRUE(WriteFileAtomic(dir_ / "new", "hello").ok());
  EXPECT_EQ(ReadFile(dir_ / "new").value(), "hello");
  EXPECT_EQ(Entries(), std::vector<std::string>{"new"});
}

TEST_F(FileTest, WriteReplacesContentAndLeavesNoTempFiles) {
  WritePlain(dir_ / "target", std::string(10000, 'o'));
  ASSERT_TRUE(WriteFileAtomic(dir_ / "target", "new").ok());
  EXPECT_EQ(ReadFile(dir_ / "target").value(), "new");
  ASSERT_TRUE(WriteFileAtomic(dir_ / "target", "").ok());
  EXPECT_EQ(ReadFile(dir_ / "target").value(), "");
  EXPECT_EQ(Entries(), std::vector<std::string>{"target"});
}

TEST_F(FileTest, WritesLargeBinaryData) {
  std::string data(3 * 1024 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  ASSERT_TRUE(WriteFileAtomic(dir_ / "big", data).ok());
  EXPECT_EQ(ReadFile(dir_ / "big").value(), data);
}

TEST_F(FileTest, WriteSetsPermissionsRegardlessOfUmask) {
  const mode_t old_umask = ::umask(077);
  ASSERT_TRUE(WriteFileAtomic(dir_ / "public", "x").ok());
  ::umask(old_umask);
  ASSERT_TRUE(
      WriteFileAtomic(dir_ / "secret", "x", fs::perms::owner_read | fs::perms::owner_write).ok());
  EXPECT_EQ(fs::status(dir_ / "public").permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);
  EXPECT_EQ(fs::status(dir_ / "secret").permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(FileTest, WriteIntoMissingFolderFailsWithPath) {
  const Status status = WriteFileAtomic(dir_ / "no" / "file", "x");
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(CommonErrc::kIo));
  EXPECT_NE(status.error().message().find((dir_ / "no").string()), std::string::npos)
      << status.error().message();
}

TEST_F(FileTest, FailedRenameRemovesTempFile) {
  fs::create_directory(dir_ / "occupied");
  WritePlain(dir_ / "occupied" / "inside", "keep");
  const Status status = WriteFileAtomic(dir_ / "occupied", "x");
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(CommonErrc::kIo));
  EXPECT_NE(status.error().message().find("occupied"), std::string::npos);
  EXPECT_EQ(Entries(), std::vector<std::string>{"occupied"});
  EXPECT_EQ(ReadFile(dir_ / "occupied" / "inside").value(), "keep");
}

TEST_F(FileTest, WritesRelativePath) {
  const fs::path old_cwd = fs::current_path();
  fs::current_path(dir_);
  const Status status = WriteFileAtomic("relative", "data");
  fs::current_path(old_cwd);
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(ReadFile(dir_ / "relative").value(), "data");
  EXPECT_EQ(Entries(), std::vector<std::string>{"relative"});
}

TEST_F(FileTest, RemoveDeletesFile) {
  WritePlain(dir_ / "a", "x");
  ASSERT_TRUE(RemoveFileDurably(dir_ / "a").ok());
  EXPECT_FALSE(fs::exists(dir_ / "a"));
}

TEST_F(FileTest, RemoveMissingFileIsOk) {
  EXPECT_TRUE(RemoveFileDurably(dir_ / "missing").ok());
  EXPECT_TRUE(RemoveFileDurably(dir_ / "no" / "folder").ok());
}

TEST_F(FileTest, RemoveFolderFails) {
  fs::create_directory(dir_ / "sub");
  const Status status = RemoveFileDurably(dir_ / "sub");
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(fs::exists(dir_ / "sub"));
}

}  // namespace
}  // namespace otter
