#include "cli/key_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "cli/errors.h"
#include "unit/cli/cli_test_util.h"

namespace otter::cli {
namespace {

namespace fs = std::filesystem;
using test::ReadText;
using test::TempFolder;

class KeyFilesTest : public ::testing::TestWithParam<KeyType> {
 protected:
  TempFolder folder_;
};

TEST_P(KeyFilesTest, GeneratesAPrivateFileAndATufPublicFile) {
  const fs::path out = folder_ / "key";
  auto generated = GenerateKeyFiles(GetParam(), out);
  ASSERT_TRUE(generated) << generated.error().message();
  EXPECT_EQ(generated->public_path, folder_ / "key.pub");

  struct stat info {};
  ASSERT_EQ(::stat(out.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  auto loaded = LoadSigningKey(out);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(loaded->KeyId(), generated->key_id);

  const auto public_json = nlohmann::json::parse(ReadText(generated->public_path));
  EXPECT_EQ(public_json["keytype"], KeyTypeName(GetParam()));
  auto from_json = PublicKey::FromTufJson(public_json);
  ASSERT_TRUE(from_json);
  EXPECT_EQ(from_json->KeyId(), generated->key_id);
}

TEST_P(KeyFilesTest, LoadsThePublicKeyFromEitherFile) {
  const fs::path out = folder_ / "key";
  auto generated = GenerateKeyFiles(GetParam(), out);
  ASSERT_TRUE(generated);
  for (const fs::path& path : {out, generated->public_path}) {
    auto key = LoadPublicKey(path);
    ASSERT_TRUE(key) << path << ": " << key.error().message();
    EXPECT_EQ(key->KeyId(), generated->key_id);
  }
}

INSTANTIATE_TEST_SUITE_P(AllTypes, KeyFilesTest,
                         ::testing::Values(KeyType::kEd25519, KeyType::kEcdsaP256, KeyType::kRsa));

TEST(KeyFiles, RefusesToOverwriteAKey) {
  TempFolder folder;
  ASSERT_TRUE(GenerateKeyFiles(KeyType::kEd25519, folder / "key"));
  const std::string before = ReadText(folder / "key");
  auto again = GenerateKeyFiles(KeyType::kEd25519, folder / "key");
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().Is(CliErrc::kInvalidInput));
  EXPECT_EQ(ReadText(folder / "key"), before);
}

TEST(KeyFiles, RefusesWhenOnlyThePublicFileExists) {
  TempFolder folder;
  test::WriteText(folder / "key.pub", "{}");
  EXPECT_FALSE(GenerateKeyFiles(KeyType::kEd25519, folder / "key"));
  EXPECT_FALSE(fs::exists(folder / "key"));
}

TEST(KeyFiles, LoadsAPublicKeyPem) {
  TempFolder folder;
  const PrivateKey key = test::NewKey(KeyType::kEcdsaP256);
  test::WriteText(folder / "pub.pem", key.public_key().ToPem());
  auto loaded = LoadPublicKey(folder / "pub.pem");
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(loaded->KeyId(), key.KeyId());
}

TEST(KeyFiles, ReportsUnreadableKeys) {
  TempFolder folder;
  test::WriteText(folder / "junk", "not a key");
  auto public_key = LoadPublicKey(folder / "junk");
  ASSERT_FALSE(public_key);
  EXPECT_TRUE(public_key.error().Is(CliErrc::kInvalidInput));
  EXPECT_NE(public_key.error().message().find("junk"), std::string::npos);
  EXPECT_FALSE(LoadSigningKey(folder / "junk"));
  EXPECT_FALSE(LoadSigningKey(folder / "missing"));
}

TEST(KeyFiles, KnowsTheKeyTypeNames) {
  EXPECT_EQ(*KeyTypeFromName("ed25519"), KeyType::kEd25519);
  EXPECT_EQ(*KeyTypeFromName("ecdsa"), KeyType::kEcdsaP256);
  EXPECT_EQ(*KeyTypeFromName("rsa"), KeyType::kRsa);
  auto unknown = KeyTypeFromName("dsa");
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(unknown.error().Is(CliErrc::kUsage));
}

}  // namespace
}  // namespace otter::cli
