#include "cli/targets_draft.h"

#include <gtest/gtest.h>

#include "cli/errors.h"
#include "common/hash.h"
#include "support/must.h"
#include "unit/cli/cli_test_util.h"
#include "uptane/tuf_json.h"

namespace otter::cli {
namespace {

using nlohmann::json;
using otter::testing::Must;
using test::NewKey;
using test::TempFolder;

const TimePoint kNow = Must(ParseTime("2030-01-01T00:00:00Z"));
const std::string kSha = std::string(64, 'a');

TargetSpec Spec(const std::string& name, std::uint64_t length, const std::string& format = "") {
  TargetSpec spec;
  spec.name = name;
  spec.sha256 = kSha;
  spec.length = length;
  spec.format = format;
  return spec;
}

uptane::TargetFile Target(const std::string& name) {
  TargetSpec spec;
  spec.name = name;
  spec.sha256 = kSha;
  spec.length = 42;
  spec.format = "BINARY";
  spec.hardware_ids = {"board-a", "board-b"};
  spec.release_counter = 7;
  return Must(MakeTarget(spec));
}

uptane::RoleKeys KeysOf(const PrivateKey& key) { return {{key.KeyId()}, 1}; }

uptane::KeyMap KeyMapOf(const PrivateKey& key) { return {{key.KeyId(), key.public_key()}}; }

// Server-side targets v`version` with one entry, signed by `key`.
std::string ServerTargets(const PrivateKey& key, std::uint64_t version) {
  uptane::Targets targets;
  targets.version = version;
  targets.expires = kNow + std::chrono::days(10);
  targets.targets["old"] = Target("old");
  return Must(uptane::SignMetadata(uptane::ToJson(targets), {&key})).bytes;
}

class TargetsDraftTest : public ::testing::Test {
 protected:
  TempFolder folder_;
  PrivateKey key_ = NewKey();
};

TEST_F(TargetsDraftTest, StartsFromNothingAtVersionZero) {
  auto draft = DraftFromServer(std::nullopt);
  ASSERT_TRUE(draft);
  EXPECT_EQ(draft->base_version, 0u);
  EXPECT_FALSE(draft->is_signed());
  EXPECT_TRUE(Must(ParseDraft(*draft)).targets.empty());
}

TEST_F(TargetsDraftTest, KeepsTheServersEntriesAndVersion) {
  auto draft = DraftFromServer(ServerTargets(key_, 3));
  ASSERT_TRUE(draft) << draft.error().message();
  EXPECT_EQ(draft->base_version, 3u);
  EXPECT_TRUE(draft->is_signed());
  EXPECT_TRUE(Must(ParseDraft(*draft)).targets.contains("old"));
}

TEST_F(TargetsDraftTest, RoundTripsThroughTheFile) {
  TargetsDraft draft = Must(DraftFromServer(ServerTargets(key_, 3)));
  ASSERT_TRUE(AddTarget(draft, Target("new")));
  ASSERT_TRUE(SaveDraft(draft, folder_ / "targets.json"));
  auto loaded = LoadDraft(folder_ / "targets.json");
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(loaded->base_version, 3u);
  EXPECT_EQ(loaded->signed_part, draft.signed_part);
  const uptane::TargetFile entry = Must(ParseDraft(*loaded)).targets.at("new");
  EXPECT_EQ(entry.length, 42u);
  EXPECT_EQ(entry.hashes.at("sha256"), kSha);
  EXPECT_EQ(entry.custom.hardware_ids, (std::vector<std::string>{"board-a", "board-b"}));
  EXPECT_EQ(entry.custom.release_counter, 7u);
  EXPECT_EQ(entry.custom.target_format, "BINARY");
}

TEST_F(TargetsDraftTest, EditsDropTheSignatures) {
  TargetsDraft draft = Must(DraftFromServer(ServerTargets(key_, 3)));
  ASSERT_TRUE(draft.is_signed());
  ASSERT_TRUE(RemoveTarget(draft, "old"));
  EXPECT_FALSE(draft.is_signed());
  EXPECT_TRUE(Must(ParseDraft(draft)).targets.empty());
  auto missing = RemoveTarget(draft, "old");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().Is(CliErrc::kInvalidInput));
}

TEST_F(TargetsDraftTest, SigningBumpsTheVersionAndSetsTheExpiry) {
  TargetsDraft draft = Must(DraftFromServer(ServerTargets(key_, 3)));
  ASSERT_TRUE(AddTarget(draft, Target("new")));
  const TimePoint expires = kNow + std::chrono::days(90);
  ASSERT_TRUE(SignDraft(draft, {&key_}, expires));
  // Signing twice still targets pulled + 1.
  ASSERT_TRUE(SignDraft(draft, {&key_}, expires));

  auto body = PushBody(draft);
  ASSERT_TRUE(body) << body.error().message();
  auto metadata = Must(uptane::SignedMetadata::Parse(*body));
  EXPECT_TRUE(uptane::VerifySignatures(metadata, KeyMapOf(key_), KeysOf(key_), "targets"));
  const uptane::Targets targets = Must(uptane::ParseTargets(metadata.signed_part));
  EXPECT_EQ(targets.version, 4u);
  EXPECT_EQ(targets.expires, expires);
  EXPECT_EQ(targets.targets.size(), 2u);
}

TEST_F(TargetsDraftTest, SignsTheFirstVersion) {
  TargetsDraft draft = Must(DraftFromServer(std::nullopt));
  ASSERT_TRUE(SignDraft(draft, {&key_}, kNow + std::chrono::days(1)));
  auto metadata = Must(uptane::SignedMetadata::Parse(Must(PushBody(draft))));
  EXPECT_EQ(Must(uptane::ParseTargets(metadata.signed_part)).version, 1u);
}

TEST_F(TargetsDraftTest, PushNeedsASignatureForTheNextVersion) {
  TargetsDraft draft = Must(DraftFromServer(std::nullopt));
  auto unsigned_body = PushBody(draft);
  ASSERT_FALSE(unsigned_body);
  EXPECT_TRUE(unsigned_body.error().Is(CliErrc::kUsage));

  // As pulled: signed, but at the server's own version.
  TargetsDraft pulled = Must(DraftFromServer(ServerTargets(key_, 3)));
  EXPECT_FALSE(PushBody(pulled));
  EXPECT_FALSE(SignDraft(pulled, {}, kNow));
}

TEST_F(TargetsDraftTest, LoadRefusesOtherFiles) {
  test::WriteText(folder_ / "plain.json", ServerTargets(key_, 3));
  auto loaded = LoadDraft(folder_ / "plain.json");
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(loaded.error().Is(CliErrc::kInvalidInput));
  test::WriteText(folder_ / "junk.json", "not json");
  EXPECT_FALSE(LoadDraft(folder_ / "junk.json"));
  EXPECT_FALSE(LoadDraft(folder_ / "missing.json"));
}

TEST_F(TargetsDraftTest, MakeTargetChecksTheSpec) {
  auto bad = [](auto change) {
    TargetSpec spec = Spec("a", 1);
    change(spec);
    auto target = MakeTarget(spec);
    return !target && target.error().Is(CliErrc::kUsage);
  };
  EXPECT_TRUE(bad([](TargetSpec& s) { s.name = ""; }));
  EXPECT_TRUE(bad([](TargetSpec& s) { s.name = "../etc/passwd"; }));
  EXPECT_TRUE(bad([](TargetSpec& s) { s.name = "/abs"; }));
  EXPECT_TRUE(bad([](TargetSpec& s) { s.name = "a//b"; }));
  EXPECT_TRUE(bad([](TargetSpec& s) { s.name = "a\\b"; }));
  EXPECT_TRUE(bad([](TargetSpec& s) { s.sha256 = "abc"; }));
  EXPECT_TRUE(bad([](TargetSpec& s) { s.sha256 = std::string(64, 'A'); }));
  EXPECT_TRUE(bad([](TargetSpec& s) { s.format = "DEB"; }));
  EXPECT_TRUE(bad([](TargetSpec& s) { s.format = "OSTREE"; }));  // length must be 0
  EXPECT_TRUE(bad([](TargetSpec& s) { s.uri = "ftp://x"; }));
  EXPECT_FALSE(bad([](TargetSpec& s) { s.name = "apps/app.yaml"; }));
}

TEST_F(TargetsDraftTest, OstreeTargetsCarryTheCommitAndCustomFields) {
  TargetSpec spec = Spec("os-1.0", 0, "OSTREE");
  spec.package_name = "os";
  spec.version = "1.0";
  spec.uri = "https://cdn.example.com/x";
  const json entry = uptane::ToJson(Must(MakeTarget(spec)));
  EXPECT_EQ(entry["length"], 0);
  EXPECT_EQ(entry["hashes"]["sha256"], kSha);
  EXPECT_EQ(entry["custom"]["targetFormat"], "OSTREE");
  EXPECT_EQ(entry["custom"]["name"], "os");
  EXPECT_EQ(entry["custom"]["version"], "1.0");
  EXPECT_EQ(entry["custom"]["uri"], "https://cdn.example.com/x");
}

TEST_F(TargetsDraftTest, DigestsAFile) {
  const std::string content(200000, 'x');
  test::WriteText(folder_ / "app.yaml", content);
  auto digest = DigestFile(folder_ / "app.yaml");
  ASSERT_TRUE(digest);
  EXPECT_EQ(digest->length, content.size());
  EXPECT_EQ(digest->sha256, Sha256Hex(content));
  EXPECT_FALSE(DigestFile(folder_ / "missing"));
}

}  // namespace
}  // namespace otter::cli
