// The repository simulator, the Director simulator, the simulated fetcher
// and the tamper helpers: they produce what they promise, and what they
// publish verifies with the project's own TUF client.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "common/errors.h"
#include "common/hash.h"
#include "support/director_simulator.h"
#include "support/metadata_tamper.h"
#include "support/must.h"
#include "support/repository_simulator.h"
#include "support/simulated_fetcher.h"
#include "uptane/errors.h"
#include "uptane/metadata_store.h"
#include "uptane/repository.h"
#include "uptane/signed_metadata.h"
#include "uptane/tuf_json.h"
#include "uptane/uptane_verifier.h"

namespace otter::testing {
namespace {

using uptane::RoleName;
using uptane::SignedMetadata;
using uptane::UptaneErrc;

SignedMetadata Parsed(const std::string& bytes) {
  return Must(SignedMetadata::Parse(bytes), "parsing metadata");
}

std::set<std::string> SignerIds(const std::string& bytes) {
  std::set<std::string> ids;
  for (const auto& signature : Parsed(bytes).signatures) ids.insert(signature.keyid);
  return ids;
}

std::set<std::string> KeyIds(const std::vector<PrivateKey>& keys) {
  std::set<std::string> ids;
  for (const auto& key : keys) ids.insert(key.KeyId());
  return ids;
}

Status VerifyRole(SimulatedRepository& repo, RoleName role) {
  const std::string name(uptane::RoleNameString(role));
  return uptane::VerifySignatures(Parsed(repo.signed_bytes(name)), repo.root().keys,
                                  repo.root().roles.at(role), name);
}

uptane::DelegatedRole Delegation(const std::string& name, std::vector<std::string> paths) {
  uptane::DelegatedRole role;
  role.name = name;
  role.paths = std::move(paths);
  return role;
}

TEST(SimulatedRepositoryTest, StartsWithVersionOneOfEveryRole) {
  SimulatedRepository repo;
  for (const char* path : {"1.root.json", "root.json", "timestamp.json", "1.snapshot.json",
                           "snapshot.json", "1.targets.json", "targets.json"}) {
    EXPECT_TRUE(repo.files().contains(path)) << path;
  }
  EXPECT_EQ(repo.root_bytes(1), repo.files().at("1.root.json"));
  EXPECT_TRUE(repo.root().consistent_snapshot);
  EXPECT_EQ(repo.timestamp().expires, repo.start() + std::chrono::days(365));
  EXPECT_EQ(Parsed(repo.files().at("timestamp.json")).signed_part["version"], 1);
}

TEST(SimulatedRepositoryTest, EveryRoleIsSignedByTheKeysRootLists) {
  SimulatedRepository repo;
  for (RoleName role :
       {RoleName::kRoot, RoleName::kTimestamp, RoleName::kSnapshot, RoleName::kTargets}) {
    EXPECT_TRUE(VerifyRole(repo, role).ok()) << uptane::RoleNameString(role);
  }
}

TEST(SimulatedRepositoryTest, PublishBumpsVersionsAndRecordsEachFileInItsParent) {
  SimulatedRepository repo;
  repo.AddTarget("fw.bin", "firmware");
  repo.Publish();
  const std::string& snapshot = repo.files().at("2.snapshot.json");
  EXPECT_TRUE(repo.files().contains("2.targets.json"));
  const auto timestamp = Must(
      uptane::ParseTimestamp(Parsed(repo.files().at("timestamp.json")).signed_part), "timestamp");
  EXPECT_EQ(timestamp.version, 2u);
  EXPECT_EQ(timestamp.snapshot.version, 2u);
  EXPECT_EQ(timestamp.snapshot.length, snapshot.size());
  EXPECT_EQ(timestamp.snapshot.hashes.at("sha256"), Sha256Hex(snapshot));
  const auto entry =
      Must(uptane::ParseSnapshot(Parsed(snapshot).signed_part), "snapshot").meta.at("targets.json");
  EXPECT_EQ(entry.version, 2u);
  EXPECT_FALSE(entry.length.has_value());
  EXPECT_TRUE(entry.hashes.empty());
}

TEST(SimulatedRepositoryTest, MetaEntriesCarryWhatTheOptionsAsk) {
  SimulatedRepository repo;
  repo.snapshot_meta() = {.length = true, .hashes = {HashAlgorithm::kSha512}};
  repo.timestamp_meta() = {};
  repo.Publish();
  const auto& entry = repo.snapshot().meta.at("targets.json");
  EXPECT_EQ(entry.length, repo.files().at("2.targets.json").size());
  EXPECT_EQ(entry.hashes.at("sha512"), Sha512Hex(repo.files().at("2.targets.json")));
  EXPECT_FALSE(repo.timestamp().snapshot.length.has_value());
  EXPECT_TRUE(repo.timestamp().snapshot.hashes.empty());
}

TEST(SimulatedRepositoryTest, TargetIsListedWithHashesAndServedUnderThem) {
  SimulatedRepository repo;
  const std::string content = "application";
  const auto target = repo.AddTarget("apps/app.bin", content, {{"hardwareIds", {"hw-a"}}});
  EXPECT_EQ(target.length, content.size());
  EXPECT_EQ(target.hashes.at("sha256"), Sha256Hex(content));
  EXPECT_EQ(target.hashes.at("sha512"), Sha512Hex(content));
  EXPECT_EQ(target.custom.hardware_ids, std::vector<std::string>{"hw-a"});
  EXPECT_EQ(repo.files().at("targets/apps/app.bin"), content);
  EXPECT_EQ(repo.files().at("targets/apps/" + Sha256Hex(content) + ".app.bin"), content);
  EXPECT_EQ(repo.files().at("targets/apps/" + Sha512Hex(content) + ".app.bin"), content);
}

TEST(SimulatedRepositoryTest, SignWithUsesExactlyTheGivenKeys) {
  SimulatedRepository repo;
  const std::vector<PrivateKey> stranger = {repo.NewKey()};
  const std::string bytes = repo.SignWith("targets", stranger);
  EXPECT_EQ(repo.files().at("1.targets.json"), bytes);
  EXPECT_EQ(SignerIds(bytes), KeyIds(stranger));
  auto status = VerifyRole(repo, RoleName::kTargets);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(UptaneErrc::kBadSignature));
  EXPECT_TRUE(Parsed(repo.SignWith("targets", {})).signatures.empty());
}

TEST(SimulatedRepositoryTest, SignedBytesPlacesNothing) {
  SimulatedRepository repo;
  const std::string before = repo.files().at("timestamp.json");
  repo.timestamp().version = 7;
  const std::string bytes = repo.SignedBytes("timestamp", repo.signers("timestamp"));
  EXPECT_EQ(Parsed(bytes).signed_part["version"], 7);
  EXPECT_EQ(repo.files().at("timestamp.json"), before);
}

TEST(SimulatedRepositoryTest, SignEditedSignsWhatTheModelCannotHold) {
  SimulatedRepository repo;
  const std::string keyid = repo.signers("timestamp").at(0).KeyId();
  repo.SignEdited("root", [&keyid](auto& signed_part) {
    signed_part["keys"][keyid]["keyid_hash_algorithms"] = {"sha256", "sha512"};
  });
  const auto root = Parsed(repo.files().at("1.root.json"));
  EXPECT_EQ(root.signed_part["keys"][keyid]["keyid_hash_algorithms"].size(), 2u);
  EXPECT_EQ(repo.root_bytes(1), repo.files().at("1.root.json"));
  EXPECT_TRUE(VerifyRole(repo, RoleName::kRoot).ok());
}

TEST(SimulatedRepositoryTest, RotateKeysSignsTheNewRootWithOldAndNewKeys) {
  SimulatedRepository repo;
  const std::string old_key = repo.signers("root").at(0).KeyId();
  const auto fresh = repo.NewKeys(2);
  repo.RotateKeys("root", fresh, 2);
  const std::string& bytes = repo.files().at("2.root.json");
  EXPECT_EQ(bytes, repo.root_bytes(2));
  std::set<std::string> expected = KeyIds(fresh);
  expected.insert(old_key);
  EXPECT_EQ(SignerIds(bytes), expected);
  EXPECT_EQ(repo.root().roles.at(RoleName::kRoot).threshold, 2u);
  EXPECT_FALSE(repo.root().keys.contains(old_key));
}

TEST(SimulatedRepositoryTest, RotateRootCanSignWithOnlyOldOrOnlyNewKeys) {
  SimulatedRepository repo;
  const auto old_keys = repo.signers("root");
  const auto fresh = repo.NewKeys(1);
  repo.RotateKeys("root", fresh, 1, RootSigners::kOldOnly);
  EXPECT_EQ(SignerIds(repo.root_bytes(2)), KeyIds(old_keys));
  repo.root().version = 1;
  repo.RotateRoot(RootSigners::kNewOnly);
  EXPECT_EQ(SignerIds(repo.root_bytes(2)), KeyIds(fresh));
}

TEST(SimulatedRepositoryTest, RotatingTimestampKeysReplacesThemInRoot) {
  SimulatedRepository repo;
  const auto fresh = repo.NewKeys(1);
  repo.RotateKeys("timestamp", fresh);
  repo.PublishTimestamp();
  EXPECT_EQ(repo.root().roles.at(RoleName::kTimestamp).keyids,
            std::vector<std::string>{fresh[0].KeyId()});
  EXPECT_EQ(SignerIds(repo.files().at("timestamp.json")), KeyIds(fresh));
  EXPECT_TRUE(VerifyRole(repo, RoleName::kTimestamp).ok());
}

TEST(SimulatedRepositoryTest, AddDelegationSignsTheRoleAndListsItInSnapshot) {
  SimulatedRepository repo;
  repo.AddDelegation("targets", Delegation("role1", {"apps/*"}));
  EXPECT_TRUE(repo.files().contains("1.role1.json"));
  EXPECT_EQ(repo.snapshot().meta.at("role1.json").version, 1u);
  const auto& delegations = *repo.targets().delegations;
  ASSERT_EQ(delegations.roles.size(), 1u);
  const std::string keyid = repo.signers("role1").at(0).KeyId();
  EXPECT_EQ(delegations.roles[0].keyids, std::vector<std::string>{keyid});
  EXPECT_TRUE(delegations.keys.contains(keyid));
  EXPECT_EQ(SignerIds(repo.files().at("1.role1.json")), std::set<std::string>{keyid});
}

TEST(SimulatorTamperTest, EditsKeepTheSignaturesAndCanonicalForm) {
  SimulatedRepository repo;
  const std::string original = repo.files().at("timestamp.json");
  const std::string edited =
      EditSigned(original, [](auto& signed_part) { signed_part["version"] = 9; });
  EXPECT_EQ(Parsed(edited).signed_part["version"], 9);
  EXPECT_EQ(SignerIds(edited), SignerIds(original));
  EXPECT_EQ(EditDocument(original, [](auto&) {}), original);
  const auto doubled = Parsed(DuplicateFirstSignature(original)).signatures;
  ASSERT_EQ(doubled.size(), 2u);
  EXPECT_EQ(doubled[0].keyid, doubled[1].keyid);
  EXPECT_EQ(doubled[0].sig, doubled[1].sig);
}

TEST(SimulatedDirectorTest, AssignListsTheEcuWithTheImageFields) {
  SimulatedRepository image;
  const auto fw = image.AddTarget("fw.bin", "firmware",
                                  {{"hardwareIds", {"hw-a"}},
                                   {"releaseCounter", 3},
                                   {"targetFormat", "BINARY"},
                                   {"other", "not copied"}});
  SimulatedDirector director("vin-1");
  director.Assign("ecu-1", "hw-a", fw);
  const auto& listed = director.Assign("ecu-2", "hw-a", fw);
  EXPECT_EQ(listed.hashes, fw.hashes);
  EXPECT_EQ(listed.length, fw.length);
  EXPECT_EQ(listed.custom.release_counter, 3u);
  EXPECT_EQ(listed.custom.target_format, "BINARY");
  EXPECT_FALSE(listed.custom.raw.contains("other"));
  const std::map<std::string, std::string> ecus = {{"ecu-1", "hw-a"}, {"ecu-2", "hw-a"}};
  EXPECT_EQ(listed.custom.ecu_hardware_ids, ecus);
  EXPECT_EQ(director.targets().custom["deviceId"], "vin-1");
  EXPECT_TRUE(director.targets().custom.contains("correlationId"));
}

TEST(SimulatedDirectorTest, PublishedTargetsPassTheDirectorChecks) {
  SimulatedRepository image;
  SimulatedDirector director("vin-1");
  director.Assign("ecu-1", "hw-a", image.AddTarget("fw.bin", "firmware"));
  director.Publish();
  const auto targets = Must(
      uptane::ParseTargets(Parsed(director.files().at("2.targets.json")).signed_part), "targets");
  const uptane::DeviceIdentity device{"vin-1", "ecu-1", {{"ecu-1", "hw-a"}}};
  auto status = uptane::CheckDirectorTargets(targets, device);
  EXPECT_TRUE(status.ok()) << status.error().message();
}

// The simulator against the project's TUF client.
class SimulatedRepositoryClientTest : public ::testing::Test {
 protected:
  SimulatedRepositoryClientTest() : fetcher_(repo_), now_(repo_.start()) {
    MustOk(store_.Save("root", repo_.root_bytes(1)), "seeding the trusted root");
  }

  Status Refresh() {
    client_.emplace("image", store_, fetcher_);
    return client_->Refresh(now_);
  }

  SimulatedRepository repo_;
  SimulatedFetcher fetcher_;
  uptane::MemoryMetadataStore store_;
  std::optional<uptane::Repository> client_;
  TimePoint now_;
};

TEST_F(SimulatedRepositoryClientTest, PublishedRepositoryRefreshesAndListsTheTarget) {
  repo_.AddTarget("fw.bin", "firmware");
  repo_.Publish();
  auto status = Refresh();
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_TRUE(client_->targets().targets.contains("fw.bin"));
  auto found = client_->FindTarget("fw.bin", now_);
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(found->hashes.at("sha256"), Sha256Hex("firmware"));
}

TEST_F(SimulatedRepositoryClientTest, DelegatedTargetIsFound) {
  repo_.AddDelegation("targets", Delegation("apps", {"apps/*"}));
  repo_.AddTarget("apps/app.bin", "application", nlohmann::json::object(), "apps");
  repo_.PublishDelegated("apps");
  repo_.Publish();
  ASSERT_TRUE(Refresh().ok());
  auto found = client_->FindTarget("apps/app.bin", now_);
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(found->length, std::string("application").size());
}

TEST_F(SimulatedRepositoryClientTest, RotatedRootIsFollowed) {
  repo_.RotateKeys("root", repo_.NewKeys(3), 2);
  repo_.RotateKeys("timestamp", repo_.NewKeys(1));
  repo_.Publish();
  auto status = Refresh();
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(client_->root().version, 3u);
}

TEST_F(SimulatedRepositoryClientTest, RootSignedOnlyByNewKeysIsRefused) {
  repo_.RotateKeys("root", repo_.NewKeys(1), 1, RootSigners::kNewOnly);
  auto status = Refresh();
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(UptaneErrc::kBadSignature)) << status.error().message();
  EXPECT_EQ(*Must(store_.Load("root"), "root"), repo_.root_bytes(1));
}

TEST_F(SimulatedRepositoryClientTest, TamperedTimestampIsRefused) {
  repo_.files()["timestamp.json"] = EditSigned(
      repo_.files()["timestamp.json"], [](auto& signed_part) { signed_part["version"] = 2; });
  auto status = Refresh();
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(UptaneErrc::kBadSignature)) << status.error().message();
}

TEST_F(SimulatedRepositoryClientTest, ExpiredTimestampIsRefused) {
  repo_.timestamp().expires = now_ - std::chrono::seconds(1);
  repo_.PublishTimestamp();
  auto status = Refresh();
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(UptaneErrc::kExpired)) << status.error().message();
}

class SimulatedRepositoryKeyTypeTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(SimulatedRepositoryKeyTypeTest, PublishedRepositoryRefreshes) {
  SimulatedRepository repo(GetParam());
  repo.AddTarget("fw.bin", "firmware");
  repo.RotateKeys("root", repo.NewKeys(1));
  repo.Publish();
  SimulatedFetcher fetcher(repo);
  uptane::MemoryMetadataStore store;
  MustOk(store.Save("root", repo.root_bytes(1)), "seeding the trusted root");
  uptane::Repository client("image", store, fetcher);
  auto status = client.Refresh(repo.start());
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(client.root().version, 2u);
}

INSTANTIATE_TEST_SUITE_P(AllKeyTypes, SimulatedRepositoryKeyTypeTest,
                         ::testing::Values(KeyType::kEd25519, KeyType::kEcdsaP256, KeyType::kRsa),
                         [](const auto& instance) {
                           return std::string(KeyTypeName(instance.param));
                         });

TEST_F(SimulatedRepositoryClientTest, RefreshRequestsEachFileOnce) {
  ASSERT_TRUE(Refresh().ok());
  EXPECT_EQ(fetcher_.requests("2.root.json"), 1);
  EXPECT_EQ(fetcher_.requests("timestamp.json"), 1);
  EXPECT_EQ(fetcher_.requests("1.snapshot.json"), 1);
  EXPECT_EQ(fetcher_.requests("1.targets.json"), 1);
  EXPECT_EQ(fetcher_.total_requests(), 4);
}

TEST(SimulatedFetcherTest, CountsRequestsAndReportsMissingFiles) {
  FileMap files = {{"a.json", "{}"}};
  SimulatedFetcher fetcher(files);
  EXPECT_EQ(*fetcher.Fetch("a.json", 100), "{}");
  auto missing = fetcher.Fetch("b.json", 100);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().Is(CommonErrc::kNotFound));
  EXPECT_EQ(fetcher.requests("a.json"), 1);
  EXPECT_EQ(fetcher.requests("b.json"), 1);
  EXPECT_EQ(fetcher.request_log(), (std::vector<std::string>{"a.json", "b.json"}));
  fetcher.ResetCounts();
  EXPECT_EQ(fetcher.total_requests(), 0);
}

TEST(SimulatedFetcherTest, CapAllowsExactlyMaxBytes) {
  FileMap files = {{"f", "12345"}};
  SimulatedFetcher fetcher(files);
  EXPECT_EQ(*fetcher.Fetch("f", 5), "12345");
  auto over = fetcher.Fetch("f", 4);
  ASSERT_FALSE(over.ok());
  EXPECT_TRUE(over.error().Is(CommonErrc::kTooLarge));
}

TEST(SimulatedFetcherTest, FetchToDeliversChunksAndStopsAtTheCap) {
  FileMap files = {{"image", std::string(10, 'a')}};
  SimulatedFetcher fetcher(files);
  fetcher.set_chunk_size(4);
  std::vector<std::string> chunks;
  auto collect = [&chunks](std::string_view chunk) {
    chunks.emplace_back(chunk);
    return Ok();
  };
  ASSERT_TRUE(fetcher.FetchTo("image", 10, collect).ok());
  EXPECT_EQ(chunks, (std::vector<std::string>{"aaaa", "aaaa", "aa"}));
  chunks.clear();
  auto status = fetcher.FetchTo("image", 6, collect);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(CommonErrc::kTooLarge));
  EXPECT_EQ(chunks, (std::vector<std::string>{"aaaa", "aa"}));
}

TEST(SimulatedFetcherTest, SinkErrorAbortsTheTransfer) {
  FileMap files = {{"image", std::string(10, 'a')}};
  SimulatedFetcher fetcher(files);
  fetcher.set_chunk_size(4);
  int calls = 0;
  auto status = fetcher.FetchTo("image", 100, [&calls](std::string_view) {
    ++calls;
    return Status(MakeError(CommonErrc::kIo, "disk full"));
  });
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(CommonErrc::kIo));
  EXPECT_EQ(calls, 1);
}

TEST(SimulatedFetcherTest, EndlessStreamIsStoppedByTheCap) {
  FileMap files;
  SimulatedFetcher fetcher(files);
  fetcher.ServeEndless("timestamp.json");
  auto result = fetcher.Fetch("timestamp.json", 100'000);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().Is(CommonErrc::kTooLarge));
  EXPECT_EQ(fetcher.bytes_served("timestamp.json"), 100'000u);
  EXPECT_FALSE(fetcher.endless_limit_reached());
}

TEST(SimulatedFetcherTest, InjectedFaultsFailUntilCleared) {
  FileMap files = {{"a", "x"}, {"b", "y"}};
  SimulatedFetcher fetcher(files);
  fetcher.FailWith("a", CommonErrc::kTimeout);
  fetcher.FailWith("b", CommonErrc::kNetwork);
  EXPECT_TRUE(fetcher.Fetch("a", 10).error().Is(CommonErrc::kTimeout));
  EXPECT_TRUE(fetcher.Fetch("b", 10).error().Is(CommonErrc::kNetwork));
  fetcher.ClearFault("a");
  EXPECT_EQ(*fetcher.Fetch("a", 10), "x");
  fetcher.ClearFaults();
  EXPECT_EQ(*fetcher.Fetch("b", 10), "y");
}

TEST(SimulatedFetcherTest, RequestHookRunsBeforeServing) {
  FileMap files = {{"a", "old"}};
  SimulatedFetcher fetcher(files);
  fetcher.OnRequest([&files](const std::string& path) { files[path] = "new"; });
  EXPECT_EQ(*fetcher.Fetch("a", 10), "new");
}

}  // namespace
}  // namespace otter::testing
