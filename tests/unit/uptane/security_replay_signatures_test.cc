// Security matrix cases 14-29: replay, mix-and-match, arbitrary software,
// signature thresholds, key rotation, fast-forward recovery, type confusion.
#include <nlohmann/json.hpp>

#include "common/hash.h"
#include "unit/uptane/uptane_cycle_fixture.h"

namespace otter::testing {
namespace {

using nlohmann::json;
using uptane::UptaneErrc;

// Rewrites one signature's keyid in signed bytes, keeping the rest.
std::string WithKeyId(const std::string& bytes, std::size_t index, const std::string& keyid) {
  json document = json::parse(bytes);
  document["signatures"][index]["keyid"] = keyid;
  return document.dump();
}

// Appends a copy of signature `index` under another keyid.
std::string WithExtraSignature(const std::string& bytes, std::size_t index,
                               const std::string& keyid, const std::string& sig = "") {
  json document = json::parse(bytes);
  json extra = document["signatures"][index];
  extra["keyid"] = keyid;
  if (!sig.empty()) extra["sig"] = sig;
  document["signatures"].push_back(extra);
  return document.dump();
}

TEST_F(UptaneCycleTest, Case14_DirectorTargetsForAnotherDeviceAreRefused) {
  EstablishTrust();
  director_.ClearAssignments();
  director_.SetDeviceId("vin-2");
  director_.Publish();
  const auto before = DirectorState();
  ExpectRefused(RunCycle(), UptaneErrc::kWrongDevice);
  EXPECT_EQ(DirectorState().at("targets"), before.at("targets"));
}

TEST_F(UptaneCycleTest, Case14_DirectorTargetsWithoutDeviceIdAreRefused) {
  EstablishTrust();
  director_.ClearAssignments();
  director_.targets().custom.erase("deviceId");
  director_.Publish();
  const auto before = DirectorState();
  ExpectRefused(RunCycle(), UptaneErrc::kWrongDevice);
  EXPECT_EQ(DirectorState().at("targets"), before.at("targets"));
}

TEST_F(UptaneCycleTest, Case15_SameTimestampVersionWithOtherContentKeepsTheOld) {
  EstablishTrust();
  const auto before = DirectorState();
  director_.timestamp().expires += std::chrono::hours(1);
  director_.Sign("timestamp");
  ASSERT_NE(director_.files().at("timestamp.json"), before.at("timestamp"));
  auto result = RunCycle();
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(DirectorState(), before);
}

TEST_F(UptaneCycleTest, Case16_SnapshotWithOtherHashThanTimestampIsRefused) {
  EstablishTrust();
  director_.Publish();
  const std::string honest_timestamp = director_.files().at("timestamp.json");
  director_.snapshot().expires += std::chrono::seconds(1);  // same length, other bytes
  director_.Sign("snapshot");
  director_.files()["timestamp.json"] = honest_timestamp;
  const auto before = DirectorState();
  ExpectRefused(RunCycle(), UptaneErrc::kMixAndMatch);
  EXPECT_EQ(DirectorState().at("snapshot"), before.at("snapshot"));
}

TEST_F(UptaneCycleTest, Case16_SnapshotWithOtherVersionThanTimestampIsRefused) {
  EstablishTrust();
  const std::uint64_t version = director_.snapshot().version;
  const std::string snapshot = director_.files().at(uptane::MetadataFileName("snapshot", version));
  director_.files()[uptane::MetadataFileName("snapshot", version + 1)] = snapshot;
  director_.timestamp().snapshot.version = version + 1;
  director_.PublishTimestamp();
  ExpectRefused(RunCycle(), UptaneErrc::kMixAndMatch);
}

TEST_F(UptaneCycleTest, Case17_TargetsWithOtherVersionThanSnapshotIsRefused) {
  EstablishTrust();
  const std::uint64_t version = director_.targets().version;
  const std::string targets = director_.files().at(uptane::MetadataFileName("targets", version));
  director_.files()[uptane::MetadataFileName("targets", version + 1)] = targets;
  director_.snapshot().meta["targets.json"].version = version + 1;
  director_.PublishSnapshot();
  director_.PublishTimestamp();
  const auto before = DirectorState();
  ExpectRefused(RunCycle(), UptaneErrc::kMixAndMatch);
  EXPECT_EQ(DirectorState().at("targets"), before.at("targets"));
}

TEST_F(UptaneCycleTest, Case17_TargetsWithOtherHashThanSnapshotIsRefused) {
  director_.snapshot_meta().hashes = {HashAlgorithm::kSha256};
  EstablishTrust();
  director_.PublishTargets();
  director_.PublishSnapshot();
  director_.PublishTimestamp();
  director_.targets().unknown["x-tampered"] = true;
  const std::string tampered = director_.SignedBytes("targets", director_.signers("targets"));
  director_.files()[uptane::MetadataFileName("targets", director_.targets().version)] = tampered;
  ExpectRefused(RunCycle(), UptaneErrc::kMixAndMatch);
}

class DelegatedAppTest : public UptaneCycleTest {
 protected:
  void PublishDelegatedApp() {
    uptane::DelegatedRole role;
    role.name = "apps";
    role.paths = {"apps/*"};
    image_.AddDelegation("targets", role);
    uptane::TargetFile app = image_.AddTarget(
        "apps/app.bin", "app", {{"hardwareIds", {kPrimaryHardware}}, {"releaseCounter", 1}},
        "apps");
    image_.PublishDelegated("apps");
    image_.Publish();
    director_.Assign(kPrimary, kPrimaryHardware, app);
    director_.Publish();
  }
};

TEST_F(DelegatedAppTest, Case18_DelegatedRoleMissingFromSnapshotIsNotUsed) {
  PublishDelegatedApp();
  image_.snapshot().meta.erase("apps.json");
  image_.PublishSnapshot();
  image_.PublishTimestamp();
  ExpectRefused(RunCycle(), UptaneErrc::kMixAndMatch);
  EXPECT_FALSE(ImageState().contains("apps"));
}

TEST_F(DelegatedAppTest, Case18_DelegatedRoleOlderThanSnapshotSaysIsRefused) {
  PublishDelegatedApp();
  image_.snapshot().meta["apps.json"].version += 1;
  const std::string stale = image_.files().at(uptane::MetadataFileName("apps", 2));
  image_.files()[uptane::MetadataFileName("apps", 3)] = stale;
  image_.PublishSnapshot();
  image_.PublishTimestamp();
  ExpectRefused(RunCycle(), UptaneErrc::kMixAndMatch);
  EXPECT_FALSE(ImageState().contains("apps"));
}

TEST_F(UptaneCycleTest, Case19_DirectorTargetWithOtherHashThanImageIsRefused) {
  uptane::TargetFile target = PublishUpdate("fw.bin", "firmware");
  target.hashes["sha256"] = Sha256Hex("evil firmware");
  director_.ClearAssignments();
  director_.Assign(kPrimary, kPrimaryHardware, target);
  director_.Publish();
  ExpectRefused(RunCycle(), UptaneErrc::kTargetMismatch);
}

TEST_F(UptaneCycleTest, Case19_DirectorTargetWithOtherLengthThanImageIsRefused) {
  uptane::TargetFile target = PublishUpdate("fw.bin", "firmware");
  target.length += 1;
  director_.ClearAssignments();
  director_.Assign(kPrimary, kPrimaryHardware, target);
  director_.Publish();
  ExpectRefused(RunCycle(), UptaneErrc::kTargetMismatch);
}

TEST_F(UptaneCycleTest, Case20_DirectorTargetAbsentFromImageRepositoryIsRefused) {
  director_.Assign(kPrimary, kPrimaryHardware, MakeTarget("evil.bin", "evil",
                                                          {{"hardwareIds", {kPrimaryHardware}}}));
  director_.Publish();
  ExpectRefused(RunCycle(), UptaneErrc::kTargetMismatch);
}

// Case 21: every role of each repository, unsigned, signed by a key the root
// does not list, or with a valid signature under a wrong keyid.
enum class BadSigning { kUnsigned, kUnlistedKey, kWrongKeyId };
using BadSigningCase = std::tuple<std::string /*repository*/, std::string /*role*/, BadSigning>;

class BadSigningTest : public UptaneCycleTest,
                       public ::testing::WithParamInterface<BadSigningCase> {
 protected:
  SimulatedRepository& Repository() {
    return std::get<0>(GetParam()) == "director" ? static_cast<SimulatedRepository&>(director_)
                                                 : image_;
  }

  std::string BadBytes(SimulatedRepository& repo, const std::string& role) {
    switch (std::get<2>(GetParam())) {
      case BadSigning::kUnsigned: return repo.SignedBytes(role, {});
      case BadSigning::kUnlistedKey: return repo.SignedBytes(role, {repo.NewKey()});
      case BadSigning::kWrongKeyId: {
        auto keys = role == "root" ? repo.signers("root") : repo.signers(role);
        return WithKeyId(repo.SignedBytes(role, keys), 0, std::string(64, 'a'));
      }
    }
    return {};
  }

  // Bumps `role`, serves it badly signed, and republishes its parents.
  void ServeBadlySigned(const std::string& role) {
    SimulatedRepository& repo = Repository();
    repo.fields(role).version += 1;
    const std::string bytes = BadBytes(repo, role);
    if (role == "timestamp") {
      repo.files()["timestamp.json"] = bytes;
      return;
    }
    repo.files()[uptane::MetadataFileName(role, repo.fields(role).version)] = bytes;
    if (role == "root") return;
    if (role == "targets") {
      repo.snapshot().meta["targets.json"] = {repo.targets().version, std::nullopt, {}};
      repo.PublishSnapshot();
    } else {
      repo.timestamp().snapshot = {repo.snapshot().version, bytes.size(),
                                   {{"sha256", Sha256Hex(bytes)}}};
    }
    repo.timestamp().version += 1;
    repo.Sign("timestamp");
  }
};

std::string BadSigningName(const ::testing::TestParamInfo<BadSigningCase>& info) {
  static const char* const kModes[] = {"Unsigned", "UnlistedKey", "WrongKeyId"};
  return std::get<0>(info.param) + "_" + std::get<1>(info.param) + "_" +
         kModes[static_cast<int>(std::get<2>(info.param))];
}

TEST_P(BadSigningTest, Case21_BadlySignedRoleIsRefused) {
  PublishUpdate("fw.bin", "firmware");
  const std::string role = std::get<1>(GetParam());
  const auto before = std::get<0>(GetParam()) == "director" ? DirectorState() : ImageState();
  ServeBadlySigned(role);
  ExpectRefused(RunCycle(), UptaneErrc::kBadSignature);
  const auto after = std::get<0>(GetParam()) == "director" ? DirectorState() : ImageState();
  for (const auto& [stored_role, bytes] : after) {
    if (before.contains(stored_role)) {
      EXPECT_EQ(bytes, before.at(stored_role)) << stored_role;
    }
  }
  EXPECT_FALSE(after.contains(role) && !before.contains(role)) << role << " was stored";
}

INSTANTIATE_TEST_SUITE_P(
    EachRoleOfEachRepository, BadSigningTest,
    ::testing::Combine(::testing::Values("director", "image"),
                       ::testing::Values("root", "timestamp", "snapshot", "targets"),
                       ::testing::Values(BadSigning::kUnsigned, BadSigning::kUnlistedKey,
                                         BadSigning::kWrongKeyId)),
    BadSigningName);

TEST_F(UptaneCycleTest, Case22_OneValidOfTwoRequiredSignaturesIsRefused) {
  auto keys = director_.NewKeys(2);
  director_.RotateKeys("timestamp", keys, 2);
  EstablishTrust();
  director_.timestamp().version += 1;
  const std::string one_signed = director_.SignedBytes("timestamp", {keys[0]});
  director_.files()["timestamp.json"] =
      WithExtraSignature(one_signed, 0, keys[1].KeyId(), std::string(128, '0'));
  const auto before = DirectorState();
  ExpectRefused(RunCycle(), UptaneErrc::kBadSignature);
  EXPECT_EQ(DirectorState(), before);
}

TEST_F(UptaneCycleTest, Case22_DuplicatedSignatureCountsOnce) {
  auto keys = director_.NewKeys(2);
  director_.RotateKeys("timestamp", keys, 2);
  EstablishTrust();
  director_.timestamp().version += 1;
  const std::string one_signed = director_.SignedBytes("timestamp", {keys[0]});
  director_.files()["timestamp.json"] = WithExtraSignature(one_signed, 0, keys[0].KeyId());
  ExpectRefused(RunCycle(), UptaneErrc::kBadSignature);
}

TEST_F(UptaneCycleTest, Case22_TwoValidSignaturesMeetThreshold) {
  auto keys = director_.NewKeys(2);
  director_.RotateKeys("timestamp", keys, 2);
  EstablishTrust();
  director_.PublishTimestamp();
  EXPECT_TRUE(RunCycle().ok());
}

TEST_F(UptaneCycleTest, Case23_SameKeyUnderTwoKeyIdsCountsOnce) {
  const PrivateKey key = director_.NewKey();
  director_.RotateKeys("timestamp", {key}, 1);
  const std::string alias = std::string(64, 'b');
  director_.root().keys.insert_or_assign(alias, key.public_key());
  auto& role = director_.root().roles[uptane::RoleName::kTimestamp];
  role.keyids.push_back(alias);
  role.threshold = 2;
  director_.RotateRoot();
  director_.timestamp().version += 1;
  const std::string signed_once = director_.SignedBytes("timestamp", {key});
  director_.files()["timestamp.json"] = WithExtraSignature(signed_once, 0, alias);
  ExpectRefused(RunCycle(), UptaneErrc::kBadSignature);
}

TEST_F(UptaneCycleTest, Case24_RootWithThresholdZeroIsRefused) {
  for (auto role : {uptane::RoleName::kRoot, uptane::RoleName::kTargets}) {
    SCOPED_TRACE(std::string(uptane::RoleNameString(role)));
    SimulatedRepository repo(KeyType::kEd25519, start_);
    uptane::MemoryMetadataStore store;
    MustOk(store.Save("root", repo.root_bytes(1)), "seeding root");
    repo.root().roles[role].threshold = 0;
    repo.RotateRoot();
    SimulatedFetcher fetcher(repo);
    uptane::Repository client("image", store, fetcher);
    ExpectRefused(client.Refresh(now_), UptaneErrc::kMalformed);
    EXPECT_EQ(store.files().at("root"), repo.root_bytes(1));
  }
}

TEST_F(UptaneCycleTest, Case24_DelegationWithThresholdZeroIsRefused) {
  uptane::DelegatedRole role;
  role.name = "apps";
  role.paths = {"apps/*"};
  role.threshold = 0;
  image_.AddDelegation("targets", role);
  PublishUpdate("fw.bin", "firmware");
  ExpectRefused(RunCycle(), UptaneErrc::kMalformed);
}

TEST_F(UptaneCycleTest, Case25_RootRotationAcrossKeySetsIsAccepted) {
  auto keys = director_.NewKeys(3);  // B, C, D
  director_.RotateKeys("root", keys, 2);  // v2: 2 of B,C,D, signed by A and B,C,D
  director_.signers("root") = {keys[0], keys[1]};
  director_.RotateRoot();  // v3: signed by B and C
  PublishUpdate("fw.bin", "firmware");
  auto result = RunCycle();
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(DirectorState().at("root"), director_.root_bytes(3));
}

TEST_F(UptaneCycleTest, Case26_RootSignedOnlyByNewKeysIsRefused) {
  EstablishTrust();
  director_.RotateKeys("root", director_.NewKeys(1), 1, RootSigners::kNewOnly);
  ExpectRefused(RunCycle(), UptaneErrc::kBadSignature);
  EXPECT_EQ(DirectorState().at("root"), director_.root_bytes(1));
}

TEST_F(UptaneCycleTest, Case26_RootSignedOnlyByOldKeysIsRefused) {
  EstablishTrust();
  director_.RotateKeys("root", director_.NewKeys(1), 1, RootSigners::kOldOnly);
  ExpectRefused(RunCycle(), UptaneErrc::kBadSignature);
  EXPECT_EQ(DirectorState().at("root"), director_.root_bytes(1));
}

TEST_F(UptaneCycleTest, Case27_TargetsSignedByRevokedKeyAreRefused) {
  EstablishTrust();
  const std::vector<PrivateKey> revoked = director_.signers("targets");
  director_.RotateKeys("targets", director_.NewKeys(1));
  director_.targets().version += 1;
  director_.SignWith("targets", revoked);
  director_.PublishSnapshot();
  director_.PublishTimestamp();
  ExpectRefused(RunCycle(), UptaneErrc::kBadSignature);
  EXPECT_EQ(DirectorState().at("root"), director_.root_bytes(2));
}

TEST_F(UptaneCycleTest, Case28_FastForwardRecoveryAfterKeyRotation) {
  EstablishTrust();
  director_.snapshot().version = 999;
  director_.PublishSnapshot();
  director_.timestamp().version = 999;
  director_.PublishTimestamp();
  ASSERT_TRUE(RunCycle().ok());
  director_.RotateKeys("timestamp", director_.NewKeys(1));
  director_.RotateKeys("snapshot", director_.NewKeys(1));
  director_.snapshot().version = 0;
  director_.PublishSnapshot();
  director_.timestamp().version = 0;
  director_.PublishTimestamp();
  auto result = RunCycle();
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(DirectorState().at("timestamp"), director_.files().at("timestamp.json"));
  EXPECT_EQ(DirectorState().at("snapshot"), director_.files().at("1.snapshot.json"));
}

TEST_F(UptaneCycleTest, Case28_WithoutKeyRotationTheFastForwardedTimestampStays) {
  EstablishTrust();
  director_.timestamp().version = 999;
  director_.PublishTimestamp();
  ASSERT_TRUE(RunCycle().ok());
  director_.timestamp().version = 0;
  director_.PublishTimestamp();
  ExpectRefused(RunCycle(), UptaneErrc::kRollback);
}

TEST_F(UptaneCycleTest, Case29_RootServedAsSnapshotIsRefused) {
  EstablishTrust();
  const std::string root = director_.root_bytes(1);
  const std::uint64_t version = director_.snapshot().version + 1;
  director_.files()[uptane::MetadataFileName("snapshot", version)] = root;
  director_.timestamp().snapshot = {version, root.size(), {{"sha256", Sha256Hex(root)}}};
  director_.PublishTimestamp();
  const auto before = DirectorState();
  ExpectRefused(RunCycle(), UptaneErrc::kMalformed);
  EXPECT_EQ(DirectorState().at("snapshot"), before.at("snapshot"));
}

TEST_F(UptaneCycleTest, Case29_RootServedAsTimestampIsRefused) {
  EstablishTrust();
  director_.files()["timestamp.json"] = director_.root_bytes(1);
  ExpectRefused(RunCycle(), UptaneErrc::kMalformed);
}

}  // namespace
}  // namespace otter::testing
