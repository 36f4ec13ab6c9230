// A fresh Image repository per test: a migrated database (SQLite, or
// PostgreSQL when OTTER_TEST_POSTGRES_URL is set), a blob store in a
// temporary folder, a fixed clock, the server's online keys, and the
// operator's offline keys with helpers that sign root and targets the way
// the `otter` CLI does.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/schema.h"
#include "common/crypto.h"
#include "common/hash.h"
#include "common/time.h"
#include "image_repo/image_repository.h"
#include "image_repo/schema.h"
#include "storage/blob_store.h"
#include "storage/migrations.h"
#include "support/must.h"
#include "unit/storage/database_fixture.h"
#include "unit/storage/temp_folder.h"
#include "uptane/signed_metadata.h"
#include "uptane/tuf_json.h"

namespace otter::image_repo::testing {

using otter::testing::Must;
using otter::testing::MustOk;
using uptane::RoleName;

inline TimePoint StartTime() { return Must(ParseTime("2030-01-01T00:00:00Z"), "start time"); }

inline PrivateKey NewKey() { return Must(PrivateKey::Generate(KeyType::kEd25519), "key"); }

inline std::string SignDocument(const nlohmann::json& signed_part,
                                const std::vector<const PrivateKey*>& keys) {
  return Must(uptane::SignMetadata(signed_part, keys), "signing").bytes;
}

inline void AddRoleKey(uptane::Root& root, RoleName role, const PublicKey& key) {
  root.keys.insert_or_assign(key.KeyId(), key);
  root.roles[role].keyids.push_back(key.KeyId());
}

// A BINARY target entry for `content`.
inline uptane::TargetFile BinaryTarget(const std::string& name, const std::string& content,
                                       const std::string& hardware_id = "hw-a") {
  uptane::TargetFile target;
  target.name = name;
  target.length = content.size();
  target.hashes["sha256"] = Sha256Hex(content);
  target.custom.hardware_ids = {hardware_id};
  target.custom.release_counter = 1;
  target.custom.target_format = "BINARY";
  return target;
}

inline uptane::TargetFile OstreeTarget(const std::string& name, const std::string& commit) {
  uptane::TargetFile target;
  target.name = name;
  target.length = 0;
  target.hashes["sha256"] = commit;
  target.custom.hardware_ids = {"hw-a"};
  target.custom.target_format = "OSTREE";
  return target;
}

class ImageRepoTest : public storage::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    database_.emplace(Open());
    const std::vector<storage::Migration> migrations = {{1, "api", api::Schema()},
                                                        {2, "image_repo", image_repo::Schema()}};
    Must(storage::Migrate(*database_, migrations), "migrating");
    blobs_.emplace(Must(storage::BlobStore::Create(folder_.path() / "blobs"), "blob store"));
    options_.ostree_commit_exists = [this](std::string_view commit) -> Result<bool> {
      return commits_.contains(std::string(commit));
    };
  }

  // The service, with or without an online targets key (built on first use).
  ImageRepository& Repo() {
    if (!repo_) repo_ = MakeRepo();
    return *repo_;
  }
  // Another server over `database` (by default the test's own connection).
  std::unique_ptr<ImageRepository> MakeRepo(storage::Database* database = nullptr) {
    OnlineKeys keys{snapshot_key_, timestamp_key_, std::nullopt};
    if (online_targets_) keys.targets = online_targets_key_;
    return std::make_unique<ImageRepository>(database != nullptr ? *database : *database_, *blobs_,
                                             clock_, std::move(keys), options_);
  }

  // Root `version` with the offline root keys given, the offline targets key
  // (or the online one in online mode) and the server's online keys.
  uptane::Root MakeRoot(std::uint64_t version, const std::vector<const PrivateKey*>& root_keys,
                        std::uint32_t threshold = 1) {
    uptane::Root root;
    root.version = version;
    root.expires = clock_.Now() + std::chrono::days(365);
    for (const PrivateKey* key : root_keys) AddRoleKey(root, RoleName::kRoot, key->public_key());
    root.roles[RoleName::kRoot].threshold = threshold;
    AddRoleKey(root, RoleName::kTargets,
               (online_targets_ ? online_targets_key_ : targets_key_).public_key());
    AddRoleKey(root, RoleName::kSnapshot, snapshot_key_.public_key());
    AddRoleKey(root, RoleName::kTimestamp, timestamp_key_.public_key());
    return root;
  }

  std::string SignRoot(const uptane::Root& root, const std::vector<const PrivateKey*>& keys) {
    return SignDocument(uptane::ToJson(root), keys);
  }

  // Offline `otter repo init`: root v1 signed by root_key_.
  void InitOffline() {
    auto accepted = Repo().PutRoot(SignRoot(MakeRoot(1, {&root_key_}), {&root_key_}));
    ASSERT_TRUE(accepted.ok()) << accepted.error().message();
  }

  uptane::Targets MakeTargets(std::uint64_t version, const std::vector<uptane::TargetFile>& files) {
    uptane::Targets targets;
    targets.version = version;
    targets.expires = clock_.Now() + std::chrono::days(90);
    for (const auto& file : files) targets.targets[file.name] = file;
    return targets;
  }

  std::string SignTargets(const uptane::Targets& targets, const PrivateKey* key = nullptr) {
    return SignDocument(uptane::ToJson(targets), {key != nullptr ? key : &targets_key_});
  }

  // Uploads `content` to the blob store and returns its target entry.
  uptane::TargetFile StoredBinary(const std::string& name, const std::string& content) {
    Must(blobs_->Put(content), "storing content");
    return BinaryTarget(name, content);
  }

  // `otter targets push` of `files` as the next version.
  Result<std::uint64_t> Push(const std::vector<uptane::TargetFile>& files) {
    const std::uint64_t current = Repo().ListTargets().value().version;
    return Repo().PutTargets(SignTargets(MakeTargets(current + 1, files)), current);
  }

  // What /repo/<file> serves now, or "" when nothing.
  std::string Served(RoleName role, std::optional<std::uint64_t> version = std::nullopt) {
    auto file = Repo().Read(role, version);
    return file ? file->body : std::string();
  }
  std::map<std::string, std::string> ServedSet() {
    return {{"root", Served(RoleName::kRoot)},
            {"timestamp", Served(RoleName::kTimestamp)},
            {"snapshot", Served(RoleName::kSnapshot)},
            {"targets", Served(RoleName::kTargets)}};
  }

  storage::testing::TempFolder folder_;
  std::optional<storage::Database> database_;
  std::optional<storage::BlobStore> blobs_;
  FixedClock clock_{StartTime()};
  PrivateKey root_key_ = NewKey();
  PrivateKey targets_key_ = NewKey();
  PrivateKey snapshot_key_ = NewKey();
  PrivateKey timestamp_key_ = NewKey();
  PrivateKey online_targets_key_ = NewKey();
  bool online_targets_ = false;
  std::set<std::string> commits_;
  RepositoryOptions options_;
  std::unique_ptr<ImageRepository> repo_;
};

}  // namespace otter::image_repo::testing
