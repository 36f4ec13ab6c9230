// Per-device Director metadata: content, caching, versions, expiry, root
// rotation, and verification with the project's own Uptane client.
#include <atomic>
#include <thread>

#include "support/simulated_fetcher.h"
#include "unit/director/director_fixture.h"
#include "uptane/repository.h"
#include "uptane/signed_metadata.h"
#include "uptane/tuf_json.h"
#include "uptane/uptane_verifier.h"

namespace otter::director::testing {
namespace {

using std::chrono::days;
using std::chrono::hours;

// The Director as an uptane::Fetcher for one device, as the agent sees it.
class DirectorFetcher final : public uptane::Fetcher {
 public:
  DirectorFetcher(Director& director, std::string device)
      : director_(director), device_(std::move(device)) {}

  Result<std::string> Fetch(const std::string& path, std::uint64_t max_bytes) override {
    auto body = director_.Metadata(device_, path);
    if (!body && body.error().Is(DirectorErrc::kMetadataNotFound))
      return MakeError(CommonErrc::kNotFound, path);
    if (body && body->size() > max_bytes) return MakeError(CommonErrc::kTooLarge, path);
    return body;
  }
  Status FetchTo(const std::string& path, std::uint64_t, const BodySink&) override {
    return MakeError(CommonErrc::kNotFound, path);
  }

 private:
  Director& director_;
  std::string device_;
};

class MetadataTest : public DirectorTest {
 protected:
  std::uint64_t VersionOf(const std::string& device, const std::string& file) {
    return SignedOf(device, file)["version"].get<std::uint64_t>();
  }

  // Refreshes a Director client for the device, as the agent would.
  Result<uptane::Targets> ClientRefresh(const std::string& device) {
    DirectorFetcher fetcher(*director_, device);
    auto& store = stores_[device];
    if (!Must(store.Load("root")).has_value())
      MustOk(store.Save("root", MetadataOf(device, "1.root.json")));
    uptane::Repository repository("director", store, fetcher,
                                  uptane::RepositoryLimits::ForDirector());
    OTTER_TRY(repository.Refresh(clock_.Now()));
    return repository.targets();
  }

  std::map<std::string, uptane::MemoryMetadataStore> stores_;
};

TEST_P(MetadataTest, RootVersionOneListsTheOnlineKeys) {
  NewDevice("dev-x");
  const std::string root_bytes = MetadataOf("dev-x", "1.root.json");
  EXPECT_EQ(MetadataOf("dev-x", "root.json"), root_bytes);
  EXPECT_EQ(MetadataOf("", "1.root.json"), root_bytes);  // no device needed
  EXPECT_EQ(Must(director_->Root(1)), root_bytes);
  ExpectError(director_->Metadata("dev-x", "2.root.json"), DirectorErrc::kMetadataNotFound);
  const auto document = Must(uptane::SignedMetadata::Parse(root_bytes));
  const uptane::Root root = Must(uptane::ParseRoot(document.signed_part));
  EXPECT_TRUE(root.consistent_snapshot);
  EXPECT_EQ(root.roles.at(uptane::RoleName::kRoot).keyids[0], root_key_.KeyId());
  EXPECT_EQ(root.roles.at(uptane::RoleName::kTimestamp).keyids[0], keys_.timestamp.KeyId());
  MustOk(uptane::VerifySignatures(document, root.keys, root.roles.at(uptane::RoleName::kRoot),
                                  "root"));
  MustOk(director_->InitializeRoot(NewKey()), "a second InitializeRoot keeps the root");
  EXPECT_EQ(Must(director_->RootVersion()), 1u);
}

TEST_P(MetadataTest, AServerWithOtherOnlineKeysDoesNotStart) {
  Director other(
      *database_, DirectorKeys{NewKey(), keys_.snapshot, keys_.timestamp},
      [this](std::string_view name) { return Find(name); }, clock_);
  ExpectError(other.InitializeRoot(root_key_), DirectorErrc::kBadRoot);
}

TEST_P(MetadataTest, NothingAssignedServesEmptyTargets) {
  NewDevice("dev-1");
  const json targets = SignedOf("dev-1", "targets.json");
  EXPECT_TRUE(targets["targets"].empty());
  EXPECT_EQ(targets["custom"]["deviceId"], "dev-1");
  EXPECT_FALSE(targets["custom"].contains("correlationId"));
  EXPECT_FALSE(targets.contains("delegations"));
}

TEST_P(MetadataTest, AnAssignmentIsListedWithItsEcuAndCorrelationId) {
  RegisteredDevice("dev-1", {"rpi4", "stm32"});
  const Assignment assignment = Must(director_->Assign("dev-1", "myos-1"));
  const json targets = SignedOf("dev-1", "targets.json");
  ASSERT_EQ(targets["targets"].size(), 1u);
  const json& entry = targets["targets"]["myos-1"];
  EXPECT_EQ(entry["length"], Target("myos-1").length);
  EXPECT_EQ(entry["hashes"]["sha256"], Target("myos-1").hashes.at("sha256"));
  EXPECT_EQ(entry["custom"]["ecuIdentifiers"], json({{"dev-1-ecu0", {{"hardwareId", "rpi4"}}}}));
  EXPECT_EQ(entry["custom"]["hardwareIds"], json({"rpi4"}));
  EXPECT_EQ(entry["custom"]["releaseCounter"], 1);
  EXPECT_EQ(targets["custom"]["deviceId"], "dev-1");
  EXPECT_EQ(targets["custom"]["correlationId"], assignment.correlation_id);
}

TEST_P(MetadataTest, UnchangedMetadataIsServedFromTheCache) {
  RegisteredDevice("dev-1");
  Must(director_->Assign("dev-1", "myos-1"));
  for (const char* file : {"timestamp.json", "snapshot.json", "targets.json"}) {
    const std::string first = MetadataOf("dev-1", file);
    clock_.Advance(hours(1));
    EXPECT_EQ(MetadataOf("dev-1", file), first) << file;
  }
  EXPECT_EQ(MetadataOf("dev-1", "1.targets.json"), MetadataOf("dev-1", "targets.json"));
  EXPECT_EQ(MetadataOf("dev-1", "1.snapshot.json"), MetadataOf("dev-1", "snapshot.json"));
}

TEST_P(MetadataTest, VersionsIncreaseWhenTheAssignmentsChange) {
  RegisteredDevice("dev-1");
  const std::string empty = MetadataOf("dev-1", "targets.json");
  EXPECT_EQ(VersionOf("dev-1", "timestamp.json"), 1u);
  Must(director_->Assign("dev-1", "myos-1"));
  EXPECT_EQ(VersionOf("dev-1", "timestamp.json"), 2u);
  EXPECT_EQ(VersionOf("dev-1", "snapshot.json"), 2u);
  EXPECT_EQ(VersionOf("dev-1", "targets.json"), 2u);
  Must(director_->Cancel("dev-1"));
  EXPECT_EQ(VersionOf("dev-1", "timestamp.json"), 3u);
  const json targets = SignedOf("dev-1", "targets.json");
  EXPECT_EQ(targets["version"], 3);
  EXPECT_TRUE(targets["targets"].empty());
  EXPECT_EQ(MetadataOf("dev-1", "1.targets.json"), empty);  // old versions stay
  ExpectError(director_->Metadata("dev-1", "4.targets.json"), DirectorErrc::kMetadataNotFound);
}

TEST_P(MetadataTest, RolesAreResignedPastHalfTheirLifetime) {
  RegisteredDevice("dev-1");
  MetadataOf("dev-1", "timestamp.json");
  clock_.Advance(hours(11));
  EXPECT_EQ(VersionOf("dev-1", "timestamp.json"), 1u);
  clock_.Advance(hours(2));  // past half a day
  EXPECT_EQ(VersionOf("dev-1", "timestamp.json"), 2u);
  EXPECT_EQ(VersionOf("dev-1", "snapshot.json"), 1u);
  clock_.Advance(days(3));  // past half a week since the snapshot
  EXPECT_EQ(VersionOf("dev-1", "timestamp.json"), 3u);
  EXPECT_EQ(VersionOf("dev-1", "snapshot.json"), 2u);
  EXPECT_EQ(VersionOf("dev-1", "targets.json"), 2u);
  const TimePoint expires =
      Must(ParseTime(SignedOf("dev-1", "timestamp.json")["expires"].get<std::string>()));
  EXPECT_EQ(expires, clock_.Now() + days(1));
}

TEST_P(MetadataTest, FetchingTargetsPutsTheUpdateInFlight) {
  RegisteredDevice("dev-1");
  Must(director_->Assign("dev-1", "myos-1"));
  MetadataOf("dev-1", "timestamp.json");
  EXPECT_EQ(Must(director_->ShowDevice("dev-1")).open_assignments[0].status,
            AssignmentStatus::kPending);
  MetadataOf("dev-1", "1.targets.json");
  EXPECT_EQ(Must(director_->ShowDevice("dev-1")).open_assignments[0].status,
            AssignmentStatus::kInFlight);
}

TEST_P(MetadataTest, LaterUpdatesWaitForTheOpenOne) {
  TestDevice device = RegisteredDevice("dev-1", {"rpi4", "stm32"});
  const Assignment first = Must(director_->Assign("dev-1", "myos-1"));
  const Assignment second = Must(director_->Assign("dev-1", "mcu-fw", "dev-1-ecu1"));
  json targets = SignedOf("dev-1", "targets.json");
  EXPECT_EQ(targets["custom"]["correlationId"], first.correlation_id);
  EXPECT_EQ(targets["targets"].size(), 1u);
  device.Install(0, Target("myos-1"));
  MustOk(director_->ProcessManifest("dev-1",
                                    device.Manifest(Report(first.correlation_id, true, "OK"))));
  targets = SignedOf("dev-1", "targets.json");
  EXPECT_EQ(targets["custom"]["correlationId"], second.correlation_id);
  EXPECT_EQ(targets["targets"].size(), 1u);
  EXPECT_EQ(targets["targets"].count("mcu-fw"), 1u);
}

TEST_P(MetadataTest, UnknownNamesAreNotFound) {
  NewDevice("dev-1");
  for (const char* file : {"foo.json", "0.root.json", "1.timestamp.json", "x.targets.json",
                           "targets", "1.2.targets.json", "-1.root.json", ".json"}) {
    ExpectError(director_->Metadata("dev-1", file), DirectorErrc::kMetadataNotFound);
  }
}

TEST_P(MetadataTest, TheUptaneClientVerifiesTheDirector) {
  RegisteredDevice("dev-1", {"rpi4", "stm32"});
  EXPECT_TRUE(Must(ClientRefresh("dev-1")).targets.empty());
  const Assignment assignment = Must(director_->Assign("dev-1", "myos-1"));
  const uptane::Targets targets = Must(ClientRefresh("dev-1"));
  ASSERT_EQ(targets.targets.count("myos-1"), 1u);
  EXPECT_EQ(targets.targets.at("myos-1").custom.ecu_hardware_ids.at("dev-1-ecu0"), "rpi4");

  // The full Uptane verification, Image repository included.
  DirectorFetcher director_fetcher(*director_, "dev-1");
  otter::testing::SimulatedFetcher image_fetcher(image_);
  uptane::MemoryMetadataStore image_store;
  MustOk(image_store.Save("root", image_.root_bytes(1)));
  uptane::Repository director("director", stores_["dev-1"], director_fetcher,
                              uptane::RepositoryLimits::ForDirector());
  uptane::Repository image("image", image_store, image_fetcher);
  uptane::UptaneVerifier verifier({.device_id = "dev-1",
                                   .primary_serial = "dev-1-ecu0",
                                   .ecus = {{"dev-1-ecu0", "rpi4"}, {"dev-1-ecu1", "stm32"}}},
                                  director, image);
  const uptane::VerifiedUpdates updates = Must(verifier.Verify(clock_.Now(), {}));
  EXPECT_EQ(updates.correlation_id, assignment.correlation_id);
  ASSERT_EQ(updates.updates.size(), 1u);
  EXPECT_EQ(updates.updates[0].ecu_serial, "dev-1-ecu0");
  EXPECT_EQ(updates.updates[0].target.name, "myos-1");
}

TEST_P(MetadataTest, TheClientRefusesAnotherDevicesMetadata) {
  RegisteredDevice("dev-1");
  RegisteredDevice("dev-2");
  Must(director_->Assign("dev-2", "myos-1"));
  EXPECT_TRUE(Must(ClientRefresh("dev-1")).targets.empty());
  EXPECT_EQ(Must(ClientRefresh("dev-2")).targets.size(), 1u);
}

TEST_P(MetadataTest, AnOfflineRootRotationIsServedAndFollowed) {
  RegisteredDevice("dev-1");
  Must(ClientRefresh("dev-1"));
  uptane::Root root = Must(uptane::ParseRoot(
      Must(uptane::SignedMetadata::Parse(MetadataOf("dev-1", "1.root.json"))).signed_part));
  const PrivateKey new_root_key = NewKey(KeyType::kEcdsaP256);
  root.version = 2;
  root.keys.emplace(new_root_key.KeyId(), new_root_key.public_key());
  root.roles[uptane::RoleName::kRoot].keyids = {new_root_key.KeyId()};
  root.keys.erase(root_key_.KeyId());
  const json signed_part = uptane::ToJson(root);

  // Refused: not signed by the old root key, or not by the new one.
  ExpectError(director_->PutRoot(Must(uptane::SignMetadata(signed_part, {&new_root_key})).bytes),
              DirectorErrc::kBadRoot);
  ExpectError(director_->PutRoot(Must(uptane::SignMetadata(signed_part, {&root_key_})).bytes),
              DirectorErrc::kBadRoot);
  ExpectError(director_->PutRoot("{not json"), DirectorErrc::kBadRoot);
  EXPECT_EQ(Must(director_->RootVersion()), 1u);

  const std::string rotated =
      Must(uptane::SignMetadata(signed_part, {&root_key_, &new_root_key})).bytes;
  MustOk(director_->PutRoot(rotated));
  EXPECT_EQ(MetadataOf("dev-1", "2.root.json"), rotated);
  EXPECT_EQ(Must(director_->RootVersion()), 2u);
  ExpectError(director_->PutRoot(rotated), DirectorErrc::kBadRoot);  // not version 3
  Must(director_->Assign("dev-1", "myos-1"));
  EXPECT_EQ(Must(ClientRefresh("dev-1")).targets.size(), 1u);
}

TEST_P(MetadataTest, ARootWithoutTheOnlineKeysIsRefused) {
  NewDevice("dev-x");
  uptane::Root root = Must(uptane::ParseRoot(
      Must(uptane::SignedMetadata::Parse(MetadataOf("dev-x", "1.root.json"))).signed_part));
  const PrivateKey other = NewKey();
  root.version = 2;
  root.keys.emplace(other.KeyId(), other.public_key());
  root.roles[uptane::RoleName::kTimestamp].keyids = {other.KeyId()};
  const std::string bytes = Must(uptane::SignMetadata(uptane::ToJson(root), {&root_key_})).bytes;
  ExpectError(director_->PutRoot(bytes), DirectorErrc::kBadRoot);
  EXPECT_EQ(Must(director_->RootVersion()), 1u);
}

TEST_P(MetadataTest, ServersSharingTheDatabaseKeepVersionsIncreasing) {
  RegisteredDevice("dev-1");
  Director other(
      *database_, keys_, [this](std::string_view name) { return Find(name); }, clock_);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (Director* director : {&*director_, &other}) {
    threads.emplace_back([&, director] {
      for (int i = 0; i < 20; ++i) {
        if (!director->Metadata("dev-1", "timestamp.json").ok()) ++failures;
      }
    });
  }
  for (int i = 0; i < 5; ++i) {
    Must(director_->Assign("dev-1", "myos-1"));
    Must(other.Cancel("dev-1"));
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  const std::uint64_t last = VersionOf("dev-1", "timestamp.json");
  for (std::uint64_t version = 1; version <= VersionOf("dev-1", "snapshot.json"); ++version) {
    const json snapshot =
        json::parse(MetadataOf("dev-1", std::to_string(version) + ".snapshot.json"));
    EXPECT_EQ(snapshot["signed"]["version"], version);
  }
  EXPECT_GE(last, 1u);
  EXPECT_TRUE(SignedOf("dev-1", "targets.json")["targets"].empty());
}

OTTER_DIRECTOR_BACKENDS(MetadataTest);

}  // namespace
}  // namespace otter::director::testing
