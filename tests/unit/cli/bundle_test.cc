#include "cli/bundle.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>

#include "cli/errors.h"
#include "support/must.h"
#include "unit/cli/cli_test_util.h"

namespace otter::cli {
namespace {

using nlohmann::json;
using otter::testing::Must;

const json kRoot = {{"signed", {{"_type", "root"}, {"version", 1}}},
                    {"signatures", json::array({{{"keyid", "ab"}, {"sig", "cd"}}})}};

json Answer() {
  return {{"certificate", "CERT PEM\n"},
          {"private_key", "KEY PEM\n"},
          {"ca", "CA PEM\n"},
          {"gateway_url", "https://gw.example.com:8443"},
          {"image_root", kRoot},
          {"director_root", kRoot}};
}

std::map<std::string, ArchiveEntry> ByPath(const std::vector<ArchiveEntry>& entries) {
  std::map<std::string, ArchiveEntry> map;
  for (const ArchiveEntry& entry : entries) map[entry.path] = entry;
  return map;
}

TEST(BundleTest, DeviceBundleHoldsEveryFile) {
  test::TempFolder folder;
  const CredentialBundle bundle = Must(BundleFromAnswer(Answer(), BundleKind::kDevice, "dev-1"));
  ASSERT_TRUE(WriteBundleFile(bundle, folder / "dev-1.tar.gz"));

  struct stat info {};
  ASSERT_EQ(::stat((folder / "dev-1.tar.gz").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  const auto entries = Must(ReadArchive(test::ReadText(folder / "dev-1.tar.gz")));
  ASSERT_EQ(entries.front().path, "bundle.json");
  auto files = ByPath(entries);
  ASSERT_EQ(files.size(), 7u);
  EXPECT_EQ(files["gateway.url"].data, "https://gw.example.com:8443\n");
  EXPECT_EQ(files["ca.pem"].data, "CA PEM\n");
  EXPECT_EQ(files["client.pem"].data, "CERT PEM\n");
  EXPECT_EQ(files["client.key"].data, "KEY PEM\n");
  EXPECT_EQ(files["client.key"].mode, 0600);
  EXPECT_EQ(files["ca.pem"].mode, 0644);
  EXPECT_EQ(json::parse(files["image-root.json"].data), kRoot);
  EXPECT_EQ(files["director-root.json"].data, kRoot.dump());

  const json manifest = json::parse(files["bundle.json"].data);
  EXPECT_EQ(manifest["format"], 1);
  EXPECT_EQ(manifest["kind"], "device");
  EXPECT_EQ(manifest["device_id"], "dev-1");
  EXPECT_EQ(manifest["gateway_url"], "https://gw.example.com:8443");
  EXPECT_EQ(manifest["files"]["private_key"], "client.key");
  EXPECT_EQ(manifest["files"]["image_root"], "image-root.json");
  EXPECT_EQ(manifest["files"]["director_root"], "director-root.json");
}

TEST(BundleTest, FleetBundleNamesTheCredential) {
  const CredentialBundle bundle = Must(BundleFromAnswer(Answer(), BundleKind::kFleet, "fleet"));
  const auto files = ByPath(Must(ReadArchive(Must(WriteTarGz(BundleEntries(bundle))))));
  const json manifest = json::parse(files.at("bundle.json").data);
  EXPECT_EQ(manifest["kind"], "fleet");
  EXPECT_EQ(manifest["name"], "fleet");
  EXPECT_FALSE(manifest.contains("device_id"));
}

TEST(BundleTest, ARepositoryWithoutRootLeavesItsFileOut) {
  json answer = Answer();
  answer.erase("image_root");
  const CredentialBundle bundle = Must(BundleFromAnswer(answer, BundleKind::kFleet, "fleet"));
  EXPECT_FALSE(bundle.image_root);
  const auto files = ByPath(BundleEntries(bundle));
  EXPECT_FALSE(files.contains("image-root.json"));
  EXPECT_FALSE(json::parse(files.at("bundle.json").data)["files"].contains("image_root"));
}

TEST(BundleTest, RefusesAnAnswerWithoutCredentials) {
  for (const char* field : {"certificate", "private_key", "ca", "gateway_url"}) {
    json answer = Answer();
    answer.erase(field);
    auto bundle = BundleFromAnswer(answer, BundleKind::kDevice, "dev-1");
    ASSERT_FALSE(bundle) << field;
    EXPECT_TRUE(bundle.error().Is(CliErrc::kServer));
  }
}

TEST(BundleTest, ReadArchiveRefusesGarbage) {
  EXPECT_FALSE(ReadArchive("this is not a tar file at all, not even close"));
}

}  // namespace
}  // namespace otter::cli
