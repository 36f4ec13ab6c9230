#include "image_repo/image_repository.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "image_repo/errors.h"
#include "unit/image_repo/repo_fixture.h"
#include "uptane/signed_metadata.h"
#include "uptane/tuf_json.h"

namespace otter::image_repo::testing {
namespace {

using namespace std::chrono_literals;

uptane::Root ParsedRoot(const std::string& bytes) {
  return Must(uptane::ParseRoot(Must(uptane::SignedMetadata::Parse(bytes), "root").signed_part),
              "root");
}

uptane::Timestamp ParsedTimestamp(const std::string& bytes) {
  return Must(
      uptane::ParseTimestamp(Must(uptane::SignedMetadata::Parse(bytes), "timestamp").signed_part),
      "timestamp");
}

uptane::Targets ParsedTargets(const std::string& bytes) {
  return Must(
      uptane::ParseTargets(Must(uptane::SignedMetadata::Parse(bytes), "targets").signed_part),
      "targets");
}

class ImageRepositoryTest : public ImageRepoTest {};

INSTANTIATE_TEST_SUITE_P(Backends, ImageRepositoryTest,
                         ::testing::Values(storage::Backend::kSqlite,
                                           storage::Backend::kPostgresql),
                         storage::testing::BackendName);

// --- quick start ---

TEST_P(ImageRepositoryTest, QuickStartPublishesRootAndEmptyTargets) {
  online_targets_ = true;
  MustOk(Repo().InitializeOnline(root_key_), "initialising");
  const uptane::Root root = ParsedRoot(Served(RoleName::kRoot, 1));
  EXPECT_EQ(root.version, 1u);
  EXPECT_TRUE(root.consistent_snapshot);
  EXPECT_EQ(root.roles.at(RoleName::kTargets).keyids,
            std::vector<std::string>{online_targets_key_.KeyId()});
  EXPECT_EQ(root.roles.at(RoleName::kRoot).keyids, std::vector<std::string>{root_key_.KeyId()});
  EXPECT_EQ(root.expires, clock_.Now() + std::chrono::days(365));
  EXPECT_TRUE(ParsedTargets(Served(RoleName::kTargets, 1)).targets.empty());
  EXPECT_EQ(ParsedTimestamp(Served(RoleName::kTimestamp)).snapshot.version, 1u);

  const auto before = ServedSet();
  MustOk(Repo().InitializeOnline(NewKey()), "initialising again");
  EXPECT_EQ(ServedSet(), before);
}

TEST_P(ImageRepositoryTest, QuickStartNeedsAnOnlineTargetsKey) {
  auto status = Repo().InitializeOnline(root_key_);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(ImageRepoErrc::kTargetsSignedOffline));
  EXPECT_EQ(Served(RoleName::kRoot), "");
}

// --- offline root ---

TEST_P(ImageRepositoryTest, OfflineRootIsServedAndWaitsForTargets) {
  const std::string bytes = SignRoot(MakeRoot(1, {&root_key_}), {&root_key_});
  auto accepted = Repo().PutRoot(bytes);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message();
  EXPECT_EQ(accepted->version, 1u);
  EXPECT_TRUE(accepted->targets_need_signing);
  EXPECT_EQ(Served(RoleName::kRoot, 1), bytes);
  EXPECT_EQ(Served(RoleName::kRoot), bytes);
  auto timestamp = Repo().Read(RoleName::kTimestamp);
  ASSERT_FALSE(timestamp.ok());
  EXPECT_TRUE(timestamp.error().Is(ImageRepoErrc::kNotFound));
  EXPECT_TRUE(Repo().CurrentTargets().error().Is(ImageRepoErrc::kNotFound));
}

TEST_P(ImageRepositoryTest, RootWithoutTheServersOnlineKeysIsRefused) {
  uptane::Root root = MakeRoot(1, {&root_key_});
  const PrivateKey other = NewKey();
  root.keys.erase(snapshot_key_.KeyId());
  root.roles[RoleName::kSnapshot].keyids = {other.KeyId()};
  root.keys.insert_or_assign(other.KeyId(), other.public_key());
  auto accepted = Repo().PutRoot(SignRoot(root, {&root_key_}));
  ASSERT_FALSE(accepted.ok());
  EXPECT_TRUE(accepted.error().Is(ImageRepoErrc::kOnlineKeysNotTrusted));
  EXPECT_NE(accepted.error().message().find(snapshot_key_.KeyId()), std::string::npos)
      << accepted.error().message();
  EXPECT_EQ(accepted.error().message().find(timestamp_key_.KeyId()), std::string::npos);
  EXPECT_EQ(Served(RoleName::kRoot), "");
}

TEST_P(ImageRepositoryTest, OnlineKeysNeedThresholdOne) {
  uptane::Root root = MakeRoot(1, {&root_key_});
  root.roles[RoleName::kTimestamp].threshold = 2;
  auto accepted = Repo().PutRoot(SignRoot(root, {&root_key_}));
  ASSERT_FALSE(accepted.ok());
  EXPECT_TRUE(accepted.error().Is(ImageRepoErrc::kOnlineKeysNotTrusted));
}

TEST_P(ImageRepositoryTest, FirstRootMustBeVersionOne) {
  auto accepted = Repo().PutRoot(SignRoot(MakeRoot(2, {&root_key_}), {&root_key_}));
  ASSERT_FALSE(accepted.ok());
  EXPECT_TRUE(accepted.error().Is(ImageRepoErrc::kBadVersion));
  EXPECT_EQ(Served(RoleName::kRoot), "");
}

TEST_P(ImageRepositoryTest, RootSignedByAKeyItDoesNotTrustIsRefused) {
  const PrivateKey stranger = NewKey();
  auto accepted = Repo().PutRoot(SignRoot(MakeRoot(1, {&root_key_}), {&stranger}));
  ASSERT_FALSE(accepted.ok());
  EXPECT_TRUE(accepted.error().Is(ImageRepoErrc::kBadSignature));
  EXPECT_EQ(Served(RoleName::kRoot), "");
}

TEST_P(ImageRepositoryTest, ExpiredOrMalformedRootIsRefused) {
  uptane::Root root = MakeRoot(1, {&root_key_});
  root.expires = clock_.Now();
  auto expired = Repo().PutRoot(SignRoot(root, {&root_key_}));
  ASSERT_FALSE(expired.ok());
  EXPECT_TRUE(expired.error().Is(ImageRepoErrc::kInvalidMetadata));
  auto garbage = Repo().PutRoot("{not json");
  ASSERT_FALSE(garbage.ok());
  EXPECT_TRUE(garbage.error().Is(ImageRepoErrc::kInvalidMetadata));
  auto targets = Repo().PutRoot(SignTargets(MakeTargets(1, {})));
  ASSERT_FALSE(targets.ok());
  EXPECT_TRUE(targets.error().Is(ImageRepoErrc::kInvalidMetadata));
  EXPECT_EQ(Served(RoleName::kRoot), "");
}

// --- root rotation ---

TEST_P(ImageRepositoryTest, RotationSignedByOldAndNewKeysIsAccepted) {
  InitOffline();
  const std::string v1 = Served(RoleName::kRoot, 1);
  const PrivateKey new_root_key = NewKey();
  const std::string v2 = SignRoot(MakeRoot(2, {&new_root_key}), {&root_key_, &new_root_key});
  auto accepted = Repo().PutRoot(v2);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message();
  EXPECT_EQ(accepted->version, 2u);
  EXPECT_EQ(Served(RoleName::kRoot, 1), v1);
  EXPECT_EQ(Served(RoleName::kRoot, 2), v2);
  EXPECT_EQ(Served(RoleName::kRoot), v2);

  // v3 must be signed by v2's key, no longer by v1's.
  const std::string by_old = SignRoot(MakeRoot(3, {&new_root_key}), {&root_key_});
  auto refused = Repo().PutRoot(by_old);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().Is(ImageRepoErrc::kBadSignature));
}

TEST_P(ImageRepositoryTest, RotationSignedByTheNewKeyOnlyIsRefused) {
  InitOffline();
  const PrivateKey new_root_key = NewKey();
  auto accepted = Repo().PutRoot(SignRoot(MakeRoot(2, {&new_root_key}), {&new_root_key}));
  ASSERT_FALSE(accepted.ok());
  EXPECT_TRUE(accepted.error().Is(ImageRepoErrc::kBadSignature)) << accepted.error().message();
  auto missing = Repo().Read(RoleName::kRoot, 2);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().Is(ImageRepoErrc::kNotFound));
}

TEST_P(ImageRepositoryTest, RotationSignedByTheOldKeyOnlyIsRefused) {
  InitOffline();
  const PrivateKey new_root_key = NewKey();
  auto accepted = Repo().PutRoot(SignRoot(MakeRoot(2, {&new_root_key}), {&root_key_}));
  ASSERT_FALSE(accepted.ok());
  EXPECT_TRUE(accepted.error().Is(ImageRepoErrc::kBadSignature));
}

TEST_P(ImageRepositoryTest, RotationMustBeTheNextVersion) {
  InitOffline();
  for (std::uint64_t version : {1u, 3u}) {
    auto accepted = Repo().PutRoot(SignRoot(MakeRoot(version, {&root_key_}), {&root_key_}));
    ASSERT_FALSE(accepted.ok());
    EXPECT_TRUE(accepted.error().Is(ImageRepoErrc::kBadVersion)) << version;
  }
  EXPECT_EQ(ParsedRoot(Served(RoleName::kRoot)).version, 1u);
}

TEST_P(ImageRepositoryTest, RotationWithThresholdTwoNeedsBothKeys) {
  const PrivateKey second = NewKey();
  ASSERT_TRUE(
      Repo().PutRoot(SignRoot(MakeRoot(1, {&root_key_, &second}, 2), {&root_key_, &second})).ok());
  auto one = Repo().PutRoot(SignRoot(MakeRoot(2, {&root_key_}), {&root_key_}));
  ASSERT_FALSE(one.ok());
  EXPECT_TRUE(one.error().Is(ImageRepoErrc::kBadSignature));
  auto both = Repo().PutRoot(SignRoot(MakeRoot(2, {&root_key_}), {&root_key_, &second}));
  EXPECT_TRUE(both.ok()) << both.error().message();
}

TEST_P(ImageRepositoryTest, RotatingTheTargetsKeyAsksForNewTargets) {
  InitOffline();
  ASSERT_TRUE(Push({StoredBinary("a.bin", "aaa")}).ok());
  const PrivateKey new_targets_key = NewKey();
  uptane::Root root = MakeRoot(2, {&root_key_});
  root.keys.erase(targets_key_.KeyId());
  root.roles[RoleName::kTargets].keyids.clear();
  AddRoleKey(root, RoleName::kTargets, new_targets_key.public_key());
  auto accepted = Repo().PutRoot(SignRoot(root, {&root_key_}));
  ASSERT_TRUE(accepted.ok()) << accepted.error().message();
  EXPECT_TRUE(accepted->targets_need_signing);

  auto by_old_key = Repo().PutTargets(SignTargets(MakeTargets(2, {})), 1);
  ASSERT_FALSE(by_old_key.ok());
  EXPECT_TRUE(by_old_key.error().Is(ImageRepoErrc::kBadSignature));
  auto by_new_key = Repo().PutTargets(SignTargets(MakeTargets(2, {}), &new_targets_key), 1);
  EXPECT_TRUE(by_new_key.ok()) << by_new_key.error().message();
}

TEST_P(ImageRepositoryTest, MissingRootVersionIsNotFound) {
  InitOffline();
  auto missing = Repo().Read(RoleName::kRoot, 2);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().Is(ImageRepoErrc::kNotFound));
  EXPECT_EQ(missing.error().message(), "no 2.root.json");
}

// --- offline targets ---

TEST_P(ImageRepositoryTest, SignedTargetsArePublished) {
  InitOffline();
  const std::string bytes = SignTargets(MakeTargets(1, {StoredBinary("fw/a.bin", "firmware")}));
  auto version = Repo().PutTargets(bytes, 0);
  ASSERT_TRUE(version.ok()) << version.error().message();
  EXPECT_EQ(*version, 1u);
  EXPECT_EQ(Served(RoleName::kTargets), bytes);
  EXPECT_EQ(Served(RoleName::kTargets, 1), bytes);
  auto current = Must(Repo().CurrentTargets(), "current");
  EXPECT_EQ(current.version, 1u);
  EXPECT_EQ(current.body, bytes);
  const uptane::Timestamp timestamp = ParsedTimestamp(Served(RoleName::kTimestamp));
  EXPECT_EQ(timestamp.version, 1u);
  const std::string snapshot = Served(RoleName::kSnapshot, timestamp.snapshot.version);
  EXPECT_EQ(timestamp.snapshot.length, snapshot.size());
  EXPECT_EQ(timestamp.snapshot.hashes.at("sha256"), Sha256Hex(snapshot));
  EXPECT_EQ(timestamp.expires, clock_.Now() + std::chrono::days(1));

  auto second = Push({StoredBinary("fw/b.bin", "two")});
  ASSERT_TRUE(second.ok()) << second.error().message();
  EXPECT_EQ(*second, 2u);
  EXPECT_EQ(ParsedTimestamp(Served(RoleName::kTimestamp)).version, 2u);
  EXPECT_EQ(Served(RoleName::kTargets, 1), bytes);
}

struct RefusedPush {
  const char* what;
  ImageRepoErrc code;
};

TEST_P(ImageRepositoryTest, RefusedPushesChangeNothing) {
  InitOffline();
  ASSERT_TRUE(Push({StoredBinary("a.bin", "aaa")}).ok());
  const auto before = ServedSet();
  const PrivateKey stranger = NewKey();
  const uptane::TargetFile good = StoredBinary("b.bin", "bbb");
  uptane::TargetFile wrong_length = good;
  wrong_length.length = 4;
  const std::vector<std::pair<std::string, RefusedPush>> cases = {
      {SignTargets(MakeTargets(2, {good}), &stranger), {"wrong key", ImageRepoErrc::kBadSignature}},
      {SignTargets(MakeTargets(2, {good}), &online_targets_key_),
       {"online key not trusted", ImageRepoErrc::kBadSignature}},
      {SignTargets(MakeTargets(1, {good})), {"same version", ImageRepoErrc::kBadVersion}},
      {SignTargets(MakeTargets(3, {good})), {"skipped version", ImageRepoErrc::kBadVersion}},
      {SignTargets(MakeTargets(2, {BinaryTarget("c.bin", "never uploaded")})),
       {"missing content", ImageRepoErrc::kMissingContent}},
      {SignTargets(MakeTargets(2, {wrong_length})),
       {"wrong length", ImageRepoErrc::kMissingContent}},
      {SignTargets(MakeTargets(2, {OstreeTarget("os", std::string(64, 'c'))})),
       {"unknown commit", ImageRepoErrc::kUnknownCommit}},
      {"{\"signed\": 1}", {"garbage", ImageRepoErrc::kInvalidMetadata}},
  };
  for (const auto& [bytes, expected] : cases) {
    auto pushed = Repo().PutTargets(bytes, 1);
    ASSERT_FALSE(pushed.ok()) << expected.what;
    EXPECT_TRUE(pushed.error().Is(expected.code))
        << expected.what << ": " << pushed.error().message();
    EXPECT_EQ(ServedSet(), before) << expected.what;
  }
}

TEST_P(ImageRepositoryTest, StaleExpectedVersionIsChangedMeanwhile) {
  InitOffline();
  ASSERT_TRUE(Push({StoredBinary("a.bin", "aaa")}).ok());
  const auto before = ServedSet();
  // Pulled at v1, but someone else pushed v2 in between? Here: pulled at v0.
  auto pushed = Repo().PutTargets(SignTargets(MakeTargets(2, {})), 0);
  ASSERT_FALSE(pushed.ok());
  EXPECT_TRUE(pushed.error().Is(ImageRepoErrc::kChangedMeanwhile)) << pushed.error().message();
  auto ahead = Repo().PutTargets(SignTargets(MakeTargets(2, {})), 2);
  ASSERT_FALSE(ahead.ok());
  EXPECT_TRUE(ahead.error().Is(ImageRepoErrc::kChangedMeanwhile));
  EXPECT_EQ(ServedSet(), before);
}

TEST_P(ImageRepositoryTest, UnsafeTargetNamesAreRefused) {
  InitOffline();
  ASSERT_TRUE(Push({StoredBinary("a.bin", "aaa")}).ok());
  const auto before = ServedSet();
  for (const std::string& name :
       std::vector<std::string>{"../etc/passwd", "/abs.bin", "a//b.bin", "a/./b", "a/..", "dir/",
                                "a\\b", "bad\nname", std::string("nul\0x", 5), ".", ""}) {
    auto pushed = Repo().PutTargets(SignTargets(MakeTargets(2, {StoredBinary(name, "x")})), 1);
    ASSERT_FALSE(pushed.ok()) << name;
    EXPECT_TRUE(pushed.error().Is(ImageRepoErrc::kInvalidTarget))
        << name << ": " << pushed.error().message();
  }
  EXPECT_EQ(ServedSet(), before);
}

TEST_P(ImageRepositoryTest, KnownOstreeCommitAndUriTargetsAreAccepted) {
  InitOffline();
  const std::string commit(64, 'a');
  commits_.insert(commit);
  uptane::TargetFile elsewhere = BinaryTarget("cdn.bin", "hosted elsewhere");
  elsewhere.custom.uri = "https://cdn.example.com/cdn.bin";
  auto pushed = Push({OstreeTarget("os-1", commit), elsewhere});
  ASSERT_TRUE(pushed.ok()) << pushed.error().message();
  auto content = Repo().TargetContent("os-1");
  ASSERT_FALSE(content.ok());
  EXPECT_TRUE(content.error().Is(ImageRepoErrc::kNotFound));
  EXPECT_FALSE(Repo().TargetContent("cdn.bin").ok());
}

TEST_P(ImageRepositoryTest, InvalidTargetEntriesAreRefused) {
  InitOffline();
  uptane::TargetFile no_sha256 = StoredBinary("a.bin", "aaa");
  no_sha256.hashes = {{"sha512", Sha512Hex("aaa")}};
  uptane::TargetFile upper_hex = StoredBinary("b.bin", "bbb");
  upper_hex.hashes["sha256"] = "AB" + upper_hex.hashes["sha256"].substr(2);
  uptane::TargetFile bad_format = StoredBinary("c.bin", "ccc");
  bad_format.custom.target_format = "DEB";
  uptane::TargetFile ostree_length = OstreeTarget("os", std::string(64, 'a'));
  ostree_length.length = 10;
  uptane::TargetFile bad_uri = BinaryTarget("d.bin", "ddd");
  bad_uri.custom.uri = "file:///etc/passwd";
  uptane::TargetFile odd_hash = StoredBinary("e.bin", "eee");
  odd_hash.hashes["md5"] = std::string(32, 'a');
  for (const auto& target : {no_sha256, upper_hex, bad_format, ostree_length, bad_uri, odd_hash}) {
    auto pushed = Push({target});
    ASSERT_FALSE(pushed.ok()) << target.name;
    EXPECT_TRUE(pushed.error().Is(ImageRepoErrc::kInvalidTarget))
        << target.name << ": " << pushed.error().message();
  }
}

TEST_P(ImageRepositoryTest, Sha512IsCheckedAgainstTheContent) {
  InitOffline();
  uptane::TargetFile target = StoredBinary("a.bin", "aaa");
  target.hashes["sha512"] = Sha512Hex("not aaa");
  auto wrong = Push({target});
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(wrong.error().Is(ImageRepoErrc::kMissingContent)) << wrong.error().message();
  target.hashes["sha512"] = Sha512Hex("aaa");
  EXPECT_TRUE(Push({target}).ok());
}

TEST_P(ImageRepositoryTest, DelegationsAndExpiredTargetsAreRefused) {
  InitOffline();
  uptane::Targets delegating = MakeTargets(1, {});
  delegating.delegations.emplace();
  auto delegated = Repo().PutTargets(SignTargets(delegating), 0);
  ASSERT_FALSE(delegated.ok());
  EXPECT_TRUE(delegated.error().Is(ImageRepoErrc::kInvalidMetadata));
  uptane::Targets expired = MakeTargets(1, {});
  expired.expires = clock_.Now() - 1s;
  auto old = Repo().PutTargets(SignTargets(expired), 0);
  ASSERT_FALSE(old.ok());
  EXPECT_TRUE(old.error().Is(ImageRepoErrc::kInvalidMetadata));
}

TEST_P(ImageRepositoryTest, TargetsBeforeAnyRootAreRefused) {
  auto pushed = Repo().PutTargets(SignTargets(MakeTargets(1, {})), 0);
  ASSERT_FALSE(pushed.ok());
  EXPECT_TRUE(pushed.error().Is(ImageRepoErrc::kNotInitialized));
}

// --- online targets ---

TEST_P(ImageRepositoryTest, AddTargetNeedsTheOnlineTargetsKey) {
  InitOffline();
  auto added = Repo().AddTarget(StoredBinary("a.bin", "aaa"));
  ASSERT_FALSE(added.ok());
  EXPECT_TRUE(added.error().Is(ImageRepoErrc::kTargetsSignedOffline));
  EXPECT_NE(added.error().message().find("otter targets push"), std::string::npos);
}

TEST_P(ImageRepositoryTest, AddTargetRefusedWhenTheRootDoesNotTrustTheOnlineKey) {
  InitOffline();  // root trusts targets_key_
  online_targets_ = true;
  auto repo = MakeRepo();
  auto added = repo->AddTarget(StoredBinary("a.bin", "aaa"));
  ASSERT_FALSE(added.ok());
  EXPECT_TRUE(added.error().Is(ImageRepoErrc::kTargetsSignedOffline));
}

TEST_P(ImageRepositoryTest, OnlineTargetsAreAddedReplacedAndRemoved) {
  online_targets_ = true;
  MustOk(Repo().InitializeOnline(root_key_), "initialising");
  auto added = Repo().AddTarget(StoredBinary("a.bin", "aaa"));
  ASSERT_TRUE(added.ok()) << added.error().message();
  EXPECT_EQ(*added, 2u);
  auto replaced = Repo().AddTarget(StoredBinary("a.bin", "AAAA"));
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(*replaced, 3u);
  const uptane::Targets targets = Must(Repo().ListTargets(), "list");
  EXPECT_EQ(targets.version, 3u);
  EXPECT_EQ(targets.targets.at("a.bin").length, 4u);
  EXPECT_EQ(ParsedTimestamp(Served(RoleName::kTimestamp)).version, 3u);

  auto removed = Repo().RemoveTarget("a.bin");
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(Must(Repo().ListTargets(), "list").targets.empty());
  auto again = Repo().RemoveTarget("a.bin");
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.error().Is(ImageRepoErrc::kNotFound));
}

TEST_P(ImageRepositoryTest, OnlineAddValidatesLikeAPush) {
  online_targets_ = true;
  MustOk(Repo().InitializeOnline(root_key_), "initialising");
  const auto before = ServedSet();
  auto traversal = Repo().AddTarget(StoredBinary("../x", "x"));
  EXPECT_TRUE(traversal.error().Is(ImageRepoErrc::kInvalidTarget));
  auto missing = Repo().AddTarget(BinaryTarget("y.bin", "not uploaded"));
  EXPECT_TRUE(missing.error().Is(ImageRepoErrc::kMissingContent));
  auto commit = Repo().AddTarget(OstreeTarget("os", std::string(64, 'b')));
  EXPECT_TRUE(commit.error().Is(ImageRepoErrc::kUnknownCommit));
  EXPECT_EQ(ServedSet(), before);
}

TEST_P(ImageRepositoryTest, OfflineRootTrustingTheOnlineTargetsKeyPublishesAtOnce) {
  online_targets_ = true;
  auto accepted = Repo().PutRoot(SignRoot(MakeRoot(1, {&root_key_}), {&root_key_}));
  ASSERT_TRUE(accepted.ok()) << accepted.error().message();
  EXPECT_FALSE(accepted->targets_need_signing);
  EXPECT_EQ(ParsedTargets(Served(RoleName::kTargets)).version, 1u);
  EXPECT_TRUE(Repo().Read(RoleName::kTimestamp).ok());
}

TEST_P(ImageRepositoryTest, OnlinePublicKeysListWhatARootNeeds) {
  online_targets_ = true;
  const nlohmann::json keys = Repo().OnlinePublicKeys();
  EXPECT_EQ(keys["roles"]["snapshot"]["keyids"][0], snapshot_key_.KeyId());
  EXPECT_EQ(keys["roles"]["timestamp"]["keyids"][0], timestamp_key_.KeyId());
  EXPECT_EQ(keys["roles"]["targets"]["keyids"][0], online_targets_key_.KeyId());
  EXPECT_EQ(keys["roles"]["snapshot"]["threshold"], 1);
  EXPECT_EQ(keys["keys"][snapshot_key_.KeyId()], snapshot_key_.public_key().ToTufJson());
  online_targets_ = false;
  EXPECT_FALSE(MakeRepo()->OnlinePublicKeys()["roles"].contains("targets"));
}

// --- expiry ---

TEST_P(ImageRepositoryTest, TimestampIsSignedAgainPastItsRefreshPoint) {
  InitOffline();
  ASSERT_TRUE(Push({}).ok());
  const std::string first = Served(RoleName::kTimestamp);
  clock_.Advance(11h);
  EXPECT_FALSE(Must(Repo().RefreshExpiring(clock_.Now()), "refresh"));
  EXPECT_EQ(Served(RoleName::kTimestamp), first);
  clock_.Advance(2h);  // less than half of the day left
  EXPECT_TRUE(Must(Repo().RefreshExpiring(clock_.Now()), "refresh"));
  const uptane::Timestamp timestamp = ParsedTimestamp(Served(RoleName::kTimestamp));
  EXPECT_EQ(timestamp.version, 2u);
  EXPECT_EQ(timestamp.expires, clock_.Now() + 24h);
  EXPECT_EQ(timestamp.snapshot.version, 1u);  // snapshot still fresh
}

TEST_P(ImageRepositoryTest, ReadingNeverServesAnExpiredTimestamp) {
  InitOffline();
  ASSERT_TRUE(Push({}).ok());
  clock_.Advance(std::chrono::days(30));
  const auto timestamp = ParsedTimestamp(Served(RoleName::kTimestamp));
  EXPECT_GT(timestamp.expires, clock_.Now());
  EXPECT_EQ(timestamp.version, 2u);
  EXPECT_EQ(timestamp.snapshot.version, 2u);  // the snapshot had expired too
  auto snapshot = Must(Repo().Read(RoleName::kSnapshot), "snapshot");
  EXPECT_GT(snapshot.expires, clock_.Now());
}

TEST_P(ImageRepositoryTest, OnlineTargetsAreSignedAgainBeforeTheyExpire) {
  online_targets_ = true;
  MustOk(Repo().InitializeOnline(root_key_), "initialising");
  ASSERT_TRUE(Repo().AddTarget(StoredBinary("a.bin", "aaa")).ok());
  clock_.Advance(std::chrono::days(183));
  EXPECT_TRUE(Must(Repo().RefreshExpiring(clock_.Now()), "refresh"));
  const uptane::Targets targets = ParsedTargets(Served(RoleName::kTargets));
  EXPECT_EQ(targets.version, 3u);
  EXPECT_EQ(targets.expires, clock_.Now() + std::chrono::days(365));
  EXPECT_TRUE(targets.targets.contains("a.bin"));
}

TEST_P(ImageRepositoryTest, OfflineTargetsAreNeverSignedByTheServer) {
  InitOffline();
  ASSERT_TRUE(Push({}).ok());
  const std::string targets = Served(RoleName::kTargets);
  clock_.Advance(std::chrono::days(80));
  EXPECT_TRUE(Must(Repo().RefreshExpiring(clock_.Now()), "refresh"));
  EXPECT_EQ(Served(RoleName::kTargets), targets);
}

// --- content ---

TEST_P(ImageRepositoryTest, ContentByNameAndByHashedName) {
  InitOffline();
  ASSERT_TRUE(Push({StoredBinary("fw/a.bin", "first")}).ok());
  const std::string first_hash = Sha256Hex("first");
  ASSERT_TRUE(Push({StoredBinary("fw/a.bin", "second")}).ok());
  auto current = Must(Repo().TargetContent("fw/a.bin"), "by name");
  EXPECT_EQ(current.sha256, Sha256Hex("second"));
  auto old = Must(Repo().TargetContent("fw/" + first_hash + ".a.bin"), "by old hash");
  EXPECT_EQ(old.sha256, first_hash);
  EXPECT_FALSE(Repo().TargetContent(first_hash + ".a.bin").ok());  // wrong folder
  EXPECT_FALSE(Repo().TargetContent("fw/b.bin").ok());
  EXPECT_FALSE(Repo().TargetContent("fw/" + Sha256Hex("x") + ".a.bin").ok());
}

// --- servers sharing a database ---

TEST_P(ImageRepositoryTest, ConcurrentOnlineChangesAllLand) {
  online_targets_ = true;
  MustOk(Repo().InitializeOnline(root_key_), "initialising");
  constexpr int kServers = 3;
  constexpr int kChanges = 4;
  // Each server has a connection pool of its own, as separate processes do.
  std::vector<std::unique_ptr<storage::Database>> databases;
  std::vector<std::unique_ptr<ImageRepository>> servers;
  for (int i = 0; i < kServers; ++i) {
    databases.push_back(std::make_unique<storage::Database>(Open()));
    servers.push_back(MakeRepo(databases.back().get()));
  }
  std::vector<uptane::TargetFile> files;
  for (int i = 0; i < kServers * kChanges; ++i)
    files.push_back(StoredBinary("t" + std::to_string(i), "content " + std::to_string(i)));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int s = 0; s < kServers; ++s) {
    threads.emplace_back([&, s] {
      for (int c = 0; c < kChanges; ++c) {
        auto added = servers[s]->AddTarget(files[s * kChanges + c]);
        if (!added.ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  const uptane::Targets targets = Must(Repo().ListTargets(), "list");
  EXPECT_EQ(targets.targets.size(), files.size());
  EXPECT_EQ(targets.version, 1u + files.size());
  const uptane::Timestamp timestamp = ParsedTimestamp(Served(RoleName::kTimestamp));
  EXPECT_EQ(timestamp.version, 1u + files.size());
  const std::string snapshot = Served(RoleName::kSnapshot, timestamp.snapshot.version);
  EXPECT_EQ(Sha256Hex(snapshot), timestamp.snapshot.hashes.at("sha256"));
}

}  // namespace
}  // namespace otter::image_repo::testing
