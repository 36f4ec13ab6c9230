// Security matrix cases 43, 44 and 47: partial freeze, dropped requests, and
// interoperability with metadata from other TUF / Uptane implementations.
#include <chrono>
#include <string>
#include <vector>

#include "common/errors.h"
#include "support/metadata_tamper.h"
#include "unit/uptane/uptane_cycle_fixture.h"
#include "uptane/signed_metadata.h"
#include "uptane/tuf_json.h"

namespace otter::testing {
namespace {

using nlohmann::json;
using std::chrono::minutes;
using uptane::RoleName;
using uptane::UptaneErrc;

void ExpectSingleUpdate(const Result<uptane::VerifiedUpdates>& result, const std::string& name) {
  ASSERT_TRUE(result.ok()) << result.error().message();
  ASSERT_EQ(result->updates.size(), 1u);
  EXPECT_EQ(result->updates[0].target.name, name);
}

std::string SignedWith(const json& signed_part, const std::vector<PrivateKey>& keys) {
  std::vector<const PrivateKey*> pointers;
  for (const auto& key : keys) pointers.push_back(&key);
  return Must(uptane::SignMetadata(signed_part, pointers), "signing").bytes;
}

// Serves root N+1: the model's root with `edit` applied to its JSON, signed
// by the root keys (unchanged, so they are root N's and root N+1's).
std::string RotateRootEdited(SimulatedRepository& repo, const JsonEdit& edit) {
  ++repo.root().version;
  json signed_part = uptane::ToJson(repo.root());
  edit(signed_part);
  const std::string bytes = SignedWith(signed_part, repo.signers("root"));
  repo.files()[uptane::MetadataFileName("root", repo.root().version)] = bytes;
  repo.files()["root.json"] = bytes;
  return bytes;
}

// Re-signs the served top-level targets after `edit` of its signed part.
// Snapshot lists only its version, so the file still fits there.
std::string ResignServedTargets(SimulatedRepository& repo, const JsonEdit& edit) {
  const std::string path = uptane::MetadataFileName("targets", repo.targets().version);
  json signed_part = json::parse(repo.files().at(path))["signed"];
  edit(signed_part);
  const std::string bytes = SignedWith(signed_part, repo.signers("targets"));
  repo.files()[path] = bytes;
  return bytes;
}

// The same document, pretty-printed as some servers send it: not canonical
// JSON, but the canonical form of "signed" (what was signed) is unchanged.
std::string Pretty(const std::string& bytes) { return json::parse(bytes).dump(2); }

std::string ServedTargetsPath(SimulatedRepository& repo) {
  return uptane::MetadataFileName("targets", repo.targets().version);
}

std::string ServedSnapshotPath(SimulatedRepository& repo) {
  return uptane::MetadataFileName("snapshot", repo.snapshot().version);
}

// --- Case 43: one repository frozen ------------------------------------------

TEST_F(UptaneCycleTest, Case43_ExpiredImageTimestampRefusesCycleDespiteFreshDirector) {
  EstablishTrust();
  const auto image_before = ImageState();
  image_.timestamp().expires = now_ - minutes(1);
  PublishUpdate("fw-2.bin", "firmware two");
  ExpectRefused(RunCycle(), UptaneErrc::kExpired);
  EXPECT_EQ(ImageState(), image_before);
}

TEST_F(UptaneCycleTest, Case43_ExpiredDirectorTimestampRefusesCycleDespiteFreshImage) {
  EstablishTrust();
  const auto director_before = DirectorState();
  const auto image_before = ImageState();
  director_.timestamp().expires = now_ - minutes(1);
  PublishUpdate("fw-2.bin", "firmware two");
  ExpectRefused(RunCycle(), UptaneErrc::kExpired);
  EXPECT_EQ(DirectorState(), director_before);
  EXPECT_EQ(ImageState(), image_before);
}

// --- Case 44: dropped requests -----------------------------------------------
// Each test: a fault on one file fails the cycle cleanly, what was trusted
// from that file on stays, and the next cycle succeeds once the fault is gone.

TEST_F(UptaneCycleTest, Case44_DirectorTimestamp404FailsCleanlyAndNextCycleSucceeds) {
  EstablishTrust();
  PublishUpdate("fw-2.bin", "firmware two");
  const auto director_before = DirectorState();
  const auto image_before = ImageState();
  director_fetcher_.FailWith("timestamp.json", CommonErrc::kNotFound);  // HTTP 404
  ExpectRefused(RunCycle(), UptaneErrc::kFetchFailed);
  EXPECT_EQ(DirectorState(), director_before);
  EXPECT_EQ(ImageState(), image_before);
  director_fetcher_.ClearFaults();
  ExpectSingleUpdate(RunCycle(), "fw-2.bin");
}

TEST_F(UptaneCycleTest, Case44_DirectorTimestampTimeoutFailsCleanlyAndNextCycleSucceeds) {
  EstablishTrust();
  PublishUpdate("fw-2.bin", "firmware two");
  const auto director_before = DirectorState();
  const auto image_before = ImageState();
  director_fetcher_.FailWith("timestamp.json", CommonErrc::kTimeout);
  ExpectRefused(RunCycle(), UptaneErrc::kFetchFailed);
  EXPECT_EQ(DirectorState(), director_before);
  EXPECT_EQ(ImageState(), image_before);
  director_fetcher_.ClearFaults();
  ExpectSingleUpdate(RunCycle(), "fw-2.bin");
}

TEST_F(UptaneCycleTest, Case44_DirectorSnapshot404FailsCleanlyAndNextCycleSucceeds) {
  EstablishTrust();
  PublishUpdate("fw-2.bin", "firmware two");
  const auto director_before = DirectorState();
  director_fetcher_.FailWith(ServedSnapshotPath(director_), CommonErrc::kNotFound);
  ExpectRefused(RunCycle(), UptaneErrc::kFetchFailed);
  EXPECT_EQ(DirectorState().at("snapshot"), director_before.at("snapshot"));
  EXPECT_EQ(DirectorState().at("targets"), director_before.at("targets"));
  director_fetcher_.ClearFaults();
  ExpectSingleUpdate(RunCycle(), "fw-2.bin");
}

TEST_F(UptaneCycleTest, Case44_DirectorSnapshotTimeoutFailsCleanlyAndNextCycleSucceeds) {
  EstablishTrust();
  PublishUpdate("fw-2.bin", "firmware two");
  const auto director_before = DirectorState();
  director_fetcher_.FailWith(ServedSnapshotPath(director_), CommonErrc::kTimeout);
  ExpectRefused(RunCycle(), UptaneErrc::kFetchFailed);
  EXPECT_EQ(DirectorState().at("snapshot"), director_before.at("snapshot"));
  EXPECT_EQ(DirectorState().at("targets"), director_before.at("targets"));
  director_fetcher_.ClearFaults();
  ExpectSingleUpdate(RunCycle(), "fw-2.bin");
}

TEST_F(UptaneCycleTest, Case44_DirectorTargets404FailsCleanlyAndNextCycleSucceeds) {
  EstablishTrust();
  PublishUpdate("fw-2.bin", "firmware two");
  const auto director_before = DirectorState();
  director_fetcher_.FailWith(ServedTargetsPath(director_), CommonErrc::kNotFound);
  ExpectRefused(RunCycle(), UptaneErrc::kFetchFailed);
  EXPECT_EQ(DirectorState().at("targets"), director_before.at("targets"));
  director_fetcher_.ClearFaults();
  ExpectSingleUpdate(RunCycle(), "fw-2.bin");
}

TEST_F(UptaneCycleTest, Case44_DirectorTargetsNetworkErrorFailsCleanlyAndNextCycleSucceeds) {
  EstablishTrust();
  PublishUpdate("fw-2.bin", "firmware two");
  const auto director_before = DirectorState();
  director_fetcher_.FailWith(ServedTargetsPath(director_), CommonErrc::kNetwork);
  ExpectRefused(RunCycle(), UptaneErrc::kFetchFailed);
  EXPECT_EQ(DirectorState().at("targets"), director_before.at("targets"));
  director_fetcher_.ClearFaults();
  ExpectSingleUpdate(RunCycle(), "fw-2.bin");
}

TEST_F(UptaneCycleTest, Case44_ImageTimestampTimeoutFailsCleanlyAndNextCycleSucceeds) {
  EstablishTrust();
  PublishUpdate("fw-2.bin", "firmware two");
  const auto image_before = ImageState();
  image_fetcher_.FailWith("timestamp.json", CommonErrc::kTimeout);
  ExpectRefused(RunCycle(), UptaneErrc::kFetchFailed);
  EXPECT_EQ(ImageState(), image_before);
  EXPECT_EQ(DirectorState().at("targets"), director_.signed_bytes("targets"));
  image_fetcher_.ClearFaults();
  ExpectSingleUpdate(RunCycle(), "fw-2.bin");
}

TEST_F(UptaneCycleTest, Case44_ImageSnapshot404FailsCleanlyAndNextCycleSucceeds) {
  EstablishTrust();
  PublishUpdate("fw-2.bin", "firmware two");
  const auto image_before = ImageState();
  image_fetcher_.FailWith(ServedSnapshotPath(image_), CommonErrc::kNotFound);
  ExpectRefused(RunCycle(), UptaneErrc::kFetchFailed);
  EXPECT_EQ(ImageState().at("snapshot"), image_before.at("snapshot"));
  EXPECT_EQ(ImageState().at("targets"), image_before.at("targets"));
  image_fetcher_.ClearFaults();
  ExpectSingleUpdate(RunCycle(), "fw-2.bin");
}

TEST_F(UptaneCycleTest, Case44_ImageTargetsTimeoutFailsCleanlyAndNextCycleSucceeds) {
  EstablishTrust();
  PublishUpdate("fw-2.bin", "firmware two");
  const auto image_before = ImageState();
  image_fetcher_.FailWith(ServedTargetsPath(image_), CommonErrc::kTimeout);
  ExpectRefused(RunCycle(), UptaneErrc::kFetchFailed);
  EXPECT_EQ(ImageState().at("targets"), image_before.at("targets"));
  image_fetcher_.ClearFaults();
  ExpectSingleUpdate(RunCycle(), "fw-2.bin");
}

// --- Case 47: interoperability -----------------------------------------------

TEST_F(UptaneCycleTest, Case47_UnknownTopLevelFieldsAreAcceptedAndStoredByteExact) {
  const json extension = {{"vendor", "acme"}, {"build", {1, 2, 3}}, {"signedOff", true}};
  director_.root().unknown["x-acme"] = extension;
  director_.RotateRoot();
  for (const char* role : {"timestamp", "snapshot", "targets"})
    director_.fields(role).unknown["x-acme"] = extension;
  PublishUpdate("fw-1.bin", "firmware one");
  const std::string targets = Pretty(director_.files().at(ServedTargetsPath(director_)));
  director_.files()[ServedTargetsPath(director_)] = targets;
  ExpectSingleUpdate(RunCycle(), "fw-1.bin");
  EXPECT_EQ(DirectorState().at("root"), director_.root_bytes(2));
  EXPECT_EQ(DirectorState().at("timestamp"), director_.files().at("timestamp.json"));
  EXPECT_EQ(DirectorState().at("snapshot"), director_.files().at(ServedSnapshotPath(director_)));
  EXPECT_EQ(DirectorState().at("targets"), targets);
  EXPECT_EQ(director_repo_->targets().unknown.at("x-acme"), extension);
}

TEST_F(UptaneCycleTest, Case47_UnknownFieldInKeyIsAccepted) {
  const std::string root = RotateRootEdited(director_, [](json& signed_part) {
    for (json& key : signed_part["keys"]) key["x-hsm-slot"] = 7;
  });
  PublishUpdate("fw-1.bin", "firmware one");
  ExpectSingleUpdate(RunCycle(), "fw-1.bin");
  EXPECT_EQ(DirectorState().at("root"), root);
}

TEST_F(UptaneCycleTest, Case47_KeyWithKeyidHashAlgorithmsIsAccepted) {
  const std::string root = RotateRootEdited(director_, [](json& signed_part) {
    for (json& key : signed_part["keys"]) key["keyid_hash_algorithms"] = {"sha256", "sha512"};
  });
  PublishUpdate("fw-1.bin", "firmware one");
  ExpectSingleUpdate(RunCycle(), "fw-1.bin");
  EXPECT_EQ(DirectorState().at("root"), root);
}

TEST_F(UptaneCycleTest, Case47_UnknownFieldInRootRoleIsAccepted) {
  director_.root().roles[RoleName::kTimestamp].unknown["x-rotation-policy"] = "weekly";
  director_.RotateRoot();
  PublishUpdate("fw-1.bin", "firmware one");
  ExpectSingleUpdate(RunCycle(), "fw-1.bin");
  EXPECT_EQ(DirectorState().at("root"), director_.root_bytes(2));
}

TEST_F(UptaneCycleTest, Case47_UnknownFieldInDelegatedRoleIsAccepted) {
  uptane::DelegatedRole role;
  role.name = "apps";
  role.paths = {"apps/*"};
  role.unknown["x-supplier"] = "acme";
  image_.AddDelegation("targets", role);
  const uptane::TargetFile app = image_.AddTarget(
      "apps/app.bin", "app", {{"hardwareIds", {kPrimaryHardware}}, {"releaseCounter", 1}}, "apps");
  image_.Sign("apps");
  image_.Publish();
  director_.Assign(kPrimary, kPrimaryHardware, app);
  director_.Publish();
  ExpectSingleUpdate(RunCycle(), "apps/app.bin");
  EXPECT_EQ(ImageState().at("targets"), image_.files().at(ServedTargetsPath(image_)));
  EXPECT_EQ(ImageState().at("apps"), image_.signed_bytes("apps"));
}

TEST_F(UptaneCycleTest, Case47_UnknownFieldsInTargetAreAcceptedAndStoredByteExact) {
  const uptane::TargetFile target = image_.AddTarget(
      "fw-1.bin", "firmware one",
      {{"hardwareIds", {kPrimaryHardware}}, {"releaseCounter", 1}, {"x-build", "2024.1"}});
  image_.Publish();
  const std::string image_targets = ResignServedTargets(
      image_, [](json& signed_part) { signed_part["targets"]["fw-1.bin"]["x-origin"] = "ci"; });
  director_.Assign(kPrimary, kPrimaryHardware, target);
  director_.Publish();
  const std::string director_targets = ResignServedTargets(director_, [](json& signed_part) {
    signed_part["targets"]["fw-1.bin"]["x-campaign"] = {{"wave", 2}};
  });
  auto result = RunCycle();
  ExpectSingleUpdate(result, "fw-1.bin");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->updates[0].target.custom.raw.at("x-build"), "2024.1");
  EXPECT_EQ(ImageState().at("targets"), image_targets);
  EXPECT_EQ(DirectorState().at("targets"), director_targets);
}

TEST_F(UptaneCycleTest, Case47_SpecVersion10And1031AreAccepted) {
  for (SimulatedRepository* repo : {static_cast<SimulatedRepository*>(&director_), &image_}) {
    repo->fields("timestamp").spec_version = "1.0.31";
    repo->fields("snapshot").spec_version = "1.0";
    repo->fields("targets").spec_version = "1.0.31";
  }
  PublishUpdate("fw-1.bin", "firmware one");
  ExpectSingleUpdate(RunCycle(), "fw-1.bin");
  EXPECT_EQ(DirectorState().at("timestamp"), director_.files().at("timestamp.json"));
  EXPECT_EQ(ImageState().at("timestamp"), image_.files().at("timestamp.json"));
}

TEST_F(UptaneCycleTest, Case47_SpecVersion20IsRefused) {
  EstablishTrust();
  const auto before = DirectorState();
  director_.timestamp().spec_version = "2.0";
  director_.PublishTimestamp();
  ExpectRefused(RunCycle(), UptaneErrc::kMalformed);
  EXPECT_EQ(DirectorState(), before);
}

TEST_F(UptaneCycleTest, Case47_EmptySignatureNextToValidOneIsAccepted) {
  std::vector<PrivateKey> keys = director_.NewKeys(2);
  const std::string pending_keyid = keys[0].KeyId();
  director_.RotateKeys("timestamp", keys, /*threshold=*/1);
  director_.signers("timestamp") = {keys[1]};
  PublishUpdate("fw-1.bin", "firmware one");
  const std::string timestamp =
      EditSignatures(director_.files().at("timestamp.json"), [&](json& signatures) {
        signatures.insert(signatures.begin(), json{{"keyid", pending_keyid}, {"sig", ""}});
      });
  director_.files()["timestamp.json"] = timestamp;
  ExpectSingleUpdate(RunCycle(), "fw-1.bin");
  EXPECT_EQ(DirectorState().at("timestamp"), timestamp);
}

}  // namespace
}  // namespace otter::testing
