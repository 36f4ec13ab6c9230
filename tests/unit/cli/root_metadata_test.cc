#include "cli/root_metadata.h"

#include <gtest/gtest.h>

#include "cli/errors.h"
#include "common/time.h"
#include "support/must.h"
#include "unit/cli/cli_test_util.h"
#include "uptane/trusted_set.h"
#include "uptane/tuf_json.h"

namespace otter::cli {
namespace {

using nlohmann::json;
using otter::testing::Must;
using test::NewKey;
using uptane::RoleName;

const TimePoint kNow = Must(ParseTime("2030-01-01T00:00:00Z"));

// What GET /api/v1/image-repo/online-keys answers.
json OnlineKeysAnswer(const PrivateKey& snapshot, const PrivateKey& timestamp,
                      const PrivateKey* targets = nullptr) {
  json body = {{"keys", json::object()}, {"roles", json::object()}};
  auto add = [&](const char* role, const PrivateKey& key) {
    body["keys"][key.KeyId()] = key.public_key().ToTufJson();
    body["roles"][role] = {{"keyids", {key.KeyId()}}, {"threshold", 1}};
  };
  add("snapshot", snapshot);
  add("timestamp", timestamp);
  if (targets) add("targets", *targets);
  return body;
}

class RootMetadataTest : public ::testing::Test {
 protected:
  OnlineKeys Online() { return Must(ParseOnlineKeys(OnlineKeysAnswer(snapshot_, timestamp_))); }

  InitialRoot Plan(std::vector<const PrivateKey*> root_keys, std::uint32_t threshold) {
    InitialRoot plan;
    for (const PrivateKey* key : root_keys) plan.root.keys.push_back(key->public_key());
    plan.root.threshold = threshold;
    plan.targets.keys = {targets_.public_key()};
    plan.online = Online();
    plan.expires = kNow + std::chrono::days(365);
    return plan;
  }

  std::string SignedV1(const PrivateKey& root_key) {
    auto root = Must(BuildInitialRoot(Plan({&root_key}, 1)));
    return Must(SignRoot(root, {&root_key})).bytes;
  }

  PrivateKey root1_ = NewKey();
  PrivateKey root2_ = NewKey(KeyType::kEcdsaP256);
  PrivateKey targets_ = NewKey();
  PrivateKey snapshot_ = NewKey();
  PrivateKey timestamp_ = NewKey();
};

TEST_F(RootMetadataTest, ParsesTheServersOnlineKeys) {
  OnlineKeys online = Online();
  EXPECT_FALSE(online.has_targets());
  ASSERT_EQ(online.roles.at(RoleName::kSnapshot).keys.size(), 1u);
  EXPECT_EQ(online.roles.at(RoleName::kSnapshot).keys[0].KeyId(), snapshot_.KeyId());

  auto with_targets = ParseOnlineKeys(OnlineKeysAnswer(snapshot_, timestamp_, &targets_));
  ASSERT_TRUE(with_targets);
  EXPECT_TRUE(with_targets->has_targets());
}

TEST_F(RootMetadataTest, RefusesOnlineKeysWithoutSnapshotOrTimestamp) {
  json answer = OnlineKeysAnswer(snapshot_, timestamp_);
  answer["roles"].erase("timestamp");
  EXPECT_FALSE(ParseOnlineKeys(answer));
  EXPECT_FALSE(ParseOnlineKeys(json::array()));
  answer = OnlineKeysAnswer(snapshot_, timestamp_);
  answer["keys"].clear();
  EXPECT_FALSE(ParseOnlineKeys(answer));
}

TEST_F(RootMetadataTest, BuildsRootV1ThatVerifiesAsATrustedRoot) {
  auto root = BuildInitialRoot(Plan({&root1_}, 1));
  ASSERT_TRUE(root) << root.error().message();
  EXPECT_EQ(root->version, 1u);
  EXPECT_TRUE(root->consistent_snapshot);
  EXPECT_EQ(root->roles.at(RoleName::kTargets).keyids, std::vector<std::string>{targets_.KeyId()});
  EXPECT_EQ(root->roles.at(RoleName::kSnapshot).keyids,
            std::vector<std::string>{snapshot_.KeyId()});
  EXPECT_EQ(root->roles.at(RoleName::kTimestamp).keyids,
            std::vector<std::string>{timestamp_.KeyId()});

  auto signed_root = SignRoot(*root, {&root1_});
  ASSERT_TRUE(signed_root) << signed_root.error().message();
  auto trusted = uptane::TrustedSet::Create(signed_root->bytes);
  ASSERT_TRUE(trusted) << trusted.error().message();
  EXPECT_TRUE(trusted->CheckRootFinal(kNow));
  EXPECT_EQ(trusted->root().keys.size(), 4u);
}

TEST_F(RootMetadataTest, SignsWithSeveralRootKeysUpToTheThreshold) {
  auto root = Must(BuildInitialRoot(Plan({&root1_, &root2_}, 2)));
  auto one = SignRoot(root, {&root1_});
  ASSERT_FALSE(one);
  EXPECT_TRUE(one.error().Is(CliErrc::kUsage));
  // The same key twice still counts once.
  EXPECT_FALSE(SignRoot(root, {&root1_, &root1_}));
  auto both = SignRoot(root, {&root1_, &root2_});
  ASSERT_TRUE(both) << both.error().message();
  EXPECT_EQ(both->signatures.size(), 2u);
  EXPECT_TRUE(uptane::TrustedSet::Create(both->bytes));
}

TEST_F(RootMetadataTest, RefusesImpossibleThresholds) {
  for (std::uint32_t threshold : {0u, 3u}) {
    auto root = BuildInitialRoot(Plan({&root1_, &root2_}, threshold));
    ASSERT_FALSE(root) << threshold;
    EXPECT_TRUE(root.error().Is(CliErrc::kUsage));
  }
}

TEST_F(RootMetadataTest, RotationVerifiesWithTheOldAndTheNewThresholds) {
  const std::string v1 = SignedV1(root1_);
  RootRotation rotation{{&root1_}, {&root2_}, 1, std::nullopt, kNow + std::chrono::days(30)};
  auto v2 = RotateRoot(v1, rotation);
  ASSERT_TRUE(v2) << v2.error().message();

  auto trusted = Must(uptane::TrustedSet::Create(v1));
  ASSERT_TRUE(trusted.UpdateRoot(v2->bytes));
  const uptane::Root& root = trusted.root();
  EXPECT_EQ(root.version, 2u);
  EXPECT_EQ(root.expires, kNow + std::chrono::days(30));
  EXPECT_EQ(root.roles.at(RoleName::kRoot).keyids, std::vector<std::string>{root2_.KeyId()});
  // The old root key is no longer listed; the other roles are kept.
  EXPECT_FALSE(root.keys.contains(root1_.KeyId()));
  EXPECT_EQ(root.roles.at(RoleName::kTargets).keyids, std::vector<std::string>{targets_.KeyId()});
  EXPECT_EQ(root.roles.at(RoleName::kSnapshot).keyids, std::vector<std::string>{snapshot_.KeyId()});
}

TEST_F(RootMetadataTest, RotationRefusesWithoutTheOldKeys) {
  const std::string v1 = SignedV1(root1_);
  const PrivateKey stranger = NewKey();
  RootRotation rotation{{&stranger}, {&root2_}, 1, std::nullopt, kNow + std::chrono::days(30)};
  auto v2 = RotateRoot(v1, rotation);
  ASSERT_FALSE(v2);
  EXPECT_TRUE(v2.error().Is(CliErrc::kInvalidInput));
}

TEST_F(RootMetadataTest, RotationCanReplaceTheTargetsKeys) {
  const std::string v1 = SignedV1(root1_);
  const PrivateKey new_targets = NewKey(KeyType::kEcdsaP256);
  RootRotation rotation{{&root1_},
                        {&root1_},
                        1,
                        RoleKeySet{{new_targets.public_key()}, 1},
                        kNow + std::chrono::days(30)};
  auto v2 = RotateRoot(v1, rotation);
  ASSERT_TRUE(v2) << v2.error().message();
  // The same key as old and new signs once.
  EXPECT_EQ(v2->signatures.size(), 1u);
  auto root = Must(uptane::ParseRoot(v2->signed_part));
  EXPECT_EQ(root.roles.at(RoleName::kTargets).keyids,
            std::vector<std::string>{new_targets.KeyId()});
  EXPECT_FALSE(root.keys.contains(targets_.KeyId()));
}

TEST_F(RootMetadataTest, RotationToAThresholdOfTwo) {
  const std::string v1 = SignedV1(root1_);
  const PrivateKey root3 = NewKey();
  RootRotation rotation{{&root1_}, {&root2_, &root3}, 2, std::nullopt, kNow + std::chrono::days(1)};
  auto v2 = RotateRoot(v1, rotation);
  ASSERT_TRUE(v2) << v2.error().message();
  auto trusted = Must(uptane::TrustedSet::Create(v1));
  ASSERT_TRUE(trusted.UpdateRoot(v2->bytes));
  EXPECT_EQ(trusted.root().roles.at(RoleName::kRoot).threshold, 2u);

  // v3 signed by only one of the two v2 keys does not verify.
  RootRotation short_of_threshold{
      {&root2_}, {&root2_}, 1, std::nullopt, kNow + std::chrono::days(1)};
  EXPECT_FALSE(RotateRoot(v2->bytes, short_of_threshold));
}

TEST_F(RootMetadataTest, RotationRefusesAnUnreadableCurrentRoot) {
  RootRotation rotation{{&root1_}, {&root2_}, 1, std::nullopt, kNow};
  auto v2 = RotateRoot("{\"not\": \"a root\"}", rotation);
  ASSERT_FALSE(v2);
  EXPECT_TRUE(v2.error().Is(CliErrc::kServer));
}

}  // namespace
}  // namespace otter::cli
