// Security matrix cases 1-13: freeze and rollback attacks.
#include <chrono>

#include "unit/uptane/uptane_cycle_fixture.h"

namespace otter::testing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using uptane::UptaneErrc;

TEST_F(UptaneCycleTest, Case01_ExpiredDirectorTimestampIsRefusedAndOldOneKept) {
  EstablishTrust();
  const auto before = DirectorState();
  director_.timestamp().expires = now_ - minutes(1);
  director_.PublishTimestamp();
  ExpectRefused(RunCycle(), UptaneErrc::kExpired);
  EXPECT_EQ(DirectorState(), before);
}

TEST_F(UptaneCycleTest, Case02_ExpiredImageSnapshotIsRefused) {
  EstablishTrust();
  const auto before = ImageState();
  image_.snapshot().expires = now_ - minutes(1);
  PublishUpdate("fw-2.bin", "firmware two");
  ExpectRefused(RunCycle(), UptaneErrc::kExpired);
  EXPECT_EQ(ImageState().at("snapshot"), before.at("snapshot"));
}

TEST_F(UptaneCycleTest, Case03_ExpiredDirectorTargetsAreRefused) {
  EstablishTrust();
  const auto before = DirectorState();
  director_.targets().expires = now_ - minutes(1);
  PublishUpdate("fw-2.bin", "firmware two");
  ExpectRefused(RunCycle(), UptaneErrc::kExpired);
  EXPECT_EQ(DirectorState().at("targets"), before.at("targets"));
}

TEST_F(UptaneCycleTest, Case03_ExpiredImageTargetsAreRefused) {
  EstablishTrust();
  image_.targets().expires = now_ - minutes(1);
  PublishUpdate("fw-2.bin", "firmware two");
  ExpectRefused(RunCycle(), UptaneErrc::kExpired);
}

TEST_F(UptaneCycleTest, Case03_ExpiredDelegatedRoleYieldsNoTarget) {
  uptane::DelegatedRole role;
  role.name = "apps";
  role.paths = {"apps/*"};
  image_.AddDelegation("targets", role);
  image_.delegated("apps").expires = now_ - minutes(1);
  uptane::TargetFile app = image_.AddTarget(
      "apps/app.bin", "app", {{"hardwareIds", {kPrimaryHardware}}, {"releaseCounter", 1}}, "apps");
  image_.PublishDelegated("apps");
  image_.Publish();
  director_.Assign(kPrimary, kPrimaryHardware, app);
  director_.Publish();
  ExpectRefused(RunCycle(), UptaneErrc::kExpired);
  EXPECT_FALSE(ImageState().contains("apps"));
}

TEST_F(UptaneCycleTest, Case04_ExpiredFinalRootIsRefusedAfterNewerRootIsPersisted) {
  EstablishTrust();
  director_.root().expires = now_ - minutes(1);
  director_.RotateRoot();
  ExpectRefused(RunCycle(), UptaneErrc::kExpired);
  EXPECT_EQ(DirectorState().at("root"), director_.root_bytes(2));
}

TEST_F(UptaneCycleTest, Case04_ExpiredTrustedRootIsReplacedByServedNewerRoot) {
  director_.root().expires = now_ - minutes(1);
  director_.Sign("root");
  MustOk(director_store_.Save("root", director_.root_bytes(1)), "expired trusted root");
  director_.root().expires = director_.default_expires();
  director_.RotateRoot();
  PublishUpdate("fw-1.bin", "firmware one");
  auto result = RunCycle();
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(DirectorState().at("root"), director_.root_bytes(2));
}

TEST_F(UptaneCycleTest, Case05_ReplayedTimestampIsRefusedOnceItExpires) {
  director_.timestamp().expires = now_ + hours(1);
  EstablishTrust();
  ASSERT_TRUE(RunCycle().ok());
  now_ += hours(2);
  auto result = RunCycle();
  ExpectRefused(result, UptaneErrc::kExpired);
  EXPECT_NE(result.error().message().find("timestamp"), std::string::npos);
}

TEST_F(UptaneCycleTest, Case07_OlderTimestampIsRefused) {
  EstablishTrust();
  const std::string old_timestamp = director_.files().at("timestamp.json");
  director_.PublishTimestamp();
  ASSERT_TRUE(RunCycle().ok());
  const auto before = DirectorState();
  director_.files()["timestamp.json"] = old_timestamp;
  ExpectRefused(RunCycle(), UptaneErrc::kRollback);
  EXPECT_EQ(DirectorState(), before);
}

TEST_F(UptaneCycleTest, Case08_TimestampNamingOlderSnapshotIsRefused) {
  EstablishTrust();
  const auto before = DirectorState();
  director_.timestamp().snapshot.version -= 1;
  director_.timestamp().version += 1;
  director_.Sign("timestamp");
  ExpectRefused(RunCycle(), UptaneErrc::kRollback);
  EXPECT_EQ(DirectorState(), before);
}

TEST_F(UptaneCycleTest, Case09_SnapshotListingOlderTargetsIsRefused) {
  EstablishTrust();
  const auto before = DirectorState();
  director_.snapshot().meta["targets.json"].version -= 1;
  director_.snapshot().version += 1;
  director_.Sign("snapshot");
  director_.PublishTimestamp();
  ExpectRefused(RunCycle(), UptaneErrc::kRollback);
  EXPECT_EQ(DirectorState().at("snapshot"), before.at("snapshot"));
}

TEST_F(UptaneCycleTest, Case10_SnapshotDroppingDelegatedRoleIsRefused) {
  uptane::DelegatedRole role;
  role.name = "apps";
  role.paths = {"apps/*"};
  image_.AddDelegation("targets", role);
  image_.Publish();
  EstablishTrust();
  image_.snapshot().meta.erase("apps.json");
  image_.snapshot().version += 1;
  image_.Sign("snapshot");
  image_.PublishTimestamp();
  PublishUpdate("fw-2.bin", "firmware two");
  image_.snapshot().meta.erase("apps.json");
  image_.snapshot().version += 1;
  image_.Sign("snapshot");
  image_.PublishTimestamp();
  ExpectRefused(RunCycle(), UptaneErrc::kRollback);
}

TEST_F(UptaneCycleTest, Case11_OlderDirectorTargetsAfterNewerAreRefused) {
  EstablishTrust();
  const std::uint64_t old_version = director_.targets().version;
  PublishUpdate("fw-2.bin", "firmware two");
  auto accepted = RunCycle();
  ASSERT_TRUE(accepted.ok()) << accepted.error().message();
  const auto before = DirectorState();
  // The old targets file is still served; a new snapshot points back to it.
  director_.snapshot().meta["targets.json"].version = old_version;
  director_.snapshot().version += 1;
  director_.Sign("snapshot");
  director_.PublishTimestamp();
  ExpectRefused(RunCycle(), UptaneErrc::kRollback);
  EXPECT_EQ(DirectorState().at("targets"), before.at("targets"));
}

TEST_F(UptaneCycleTest, Case12_RootClaimingSameVersionIsRefused) {
  EstablishTrust();
  director_.root().version = 1;
  director_.files()["2.root.json"] = director_.SignedBytes("root", director_.signers("root"));
  ExpectRefused(RunCycle(), UptaneErrc::kRollback);
  EXPECT_EQ(DirectorState().at("root"), director_.root_bytes(1));
}

TEST_F(UptaneCycleTest, Case12_RootClaimingSkippedVersionIsRefused) {
  EstablishTrust();
  director_.root().version = 3;
  director_.files()["2.root.json"] = director_.SignedBytes("root", director_.signers("root"));
  ExpectRefused(RunCycle(), UptaneErrc::kBadVersion);
  EXPECT_EQ(DirectorState().at("root"), director_.root_bytes(1));
}

TEST_F(UptaneCycleTest, Case13_ReleaseCounterBelowInstalledIsRefused) {
  installed_[kPrimary] = {"fw-old.bin", {{"sha256", "00"}}, 4};
  PublishUpdate("fw-3.bin", "firmware three", kPrimary, kPrimaryHardware, 3);
  ExpectRefused(RunCycle(), UptaneErrc::kRollback);
}

TEST_F(UptaneCycleTest, Case13_EqualReleaseCounterIsAccepted) {
  installed_[kPrimary] = {"fw-old.bin", {{"sha256", "00"}}, 3};
  PublishUpdate("fw-3.bin", "firmware three", kPrimary, kPrimaryHardware, 3);
  auto result = RunCycle();
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(result->updates.size(), 1u);
}

}  // namespace
}  // namespace otter::testing
