#include "uptane/metadata_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/errors.h"

namespace otter::uptane {
namespace {

namespace fs = std::filesystem;

class DirectoryMetadataStoreTest : public ::testing::Test {
 protected:
  DirectoryMetadataStoreTest()
      : dir_(fs::temp_directory_path() / ("otter-store-" + std::to_string(::getpid()))),
        store_(dir_ / "metadata") {}
  ~DirectoryMetadataStoreTest() override { fs::remove_all(dir_); }

  fs::path dir_;
  DirectoryMetadataStore store_;
};

TEST_F(DirectoryMetadataStoreTest, SavesLoadsAndRemovesExactBytes) {
  const std::string bytes = "{\"signed\":{}}\n\x01 raw";
  ASSERT_TRUE(store_.Save("timestamp", bytes).ok());
  auto loaded = store_.Load("timestamp");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->value(), bytes);
  EXPECT_TRUE(fs::exists(dir_ / "metadata/timestamp.json"));
  ASSERT_TRUE(store_.Remove("timestamp").ok());
  EXPECT_FALSE(store_.Load("timestamp")->has_value());
  EXPECT_TRUE(store_.Remove("timestamp").ok()) << "removing what is absent is fine";
}

TEST_F(DirectoryMetadataStoreTest, MissingRoleIsEmptyNotAnError) {
  auto loaded = store_.Load("snapshot");
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(DirectoryMetadataStoreTest, RoleNamesThatAreNotFileNamesAreRefused) {
  for (const char* role : {"", ".", "..", "../../etc/passwd", "a/b"}) {
    EXPECT_TRUE(store_.Save(role, "x").error().Is(CommonErrc::kInvalidArgument)) << role;
    EXPECT_FALSE(store_.Load(role).ok()) << role;
  }
  EXPECT_FALSE(fs::exists(dir_ / "etc"));
}

TEST_F(DirectoryMetadataStoreTest, ReplacingLeavesNoTemporaryFiles) {
  ASSERT_TRUE(store_.Save("targets", "one").ok());
  ASSERT_TRUE(store_.Save("targets", "two").ok());
  int files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_ / "metadata")) ++files;
  EXPECT_EQ(files, 1);
  EXPECT_EQ(store_.Load("targets")->value(), "two");
}

}  // namespace
}  // namespace otter::uptane
