// End to end: what the repository serves verifies with the project's own TUF
// client (uptane::Repository) and target content with uptane::ImageVerifier.
#include <gtest/gtest.h>

#include "common/errors.h"
#include "common/file.h"
#include "image_repo/errors.h"
#include "unit/image_repo/repo_fixture.h"
#include "uptane/fetcher.h"
#include "uptane/image_verifier.h"
#include "uptane/metadata_store.h"
#include "uptane/repository.h"

namespace otter::image_repo::testing {
namespace {

using namespace std::chrono_literals;

// Serves the repository's paths ("3.root.json", "timestamp.json",
// "targets/<name>") straight from the service, as GET /repo/... does.
class ServiceFetcher final : public uptane::Fetcher {
 public:
  explicit ServiceFetcher(ImageRepository& repository) : repository_(repository) {}

  Result<std::string> Fetch(const std::string& path, std::uint64_t max_bytes) override {
    OTTER_ASSIGN(std::string bytes, Get(path));
    if (bytes.size() > max_bytes) return MakeError(CommonErrc::kTooLarge, path);
    return bytes;
  }

  Status FetchTo(const std::string& path, std::uint64_t max_bytes, const BodySink& sink) override {
    OTTER_ASSIGN(std::string bytes, Fetch(path, max_bytes));
    return sink(bytes);
  }

 private:
  Result<std::string> Get(const std::string& path) {
    if (path.starts_with("targets/")) {
      auto blob = repository_.TargetContent(path.substr(8));
      if (!blob) return NotFound(path);
      return ReadFile(blob->path);
    }
    std::string stem = path.substr(0, path.size() - 5);  // without ".json"
    std::optional<std::uint64_t> version;
    if (const auto dot = stem.find('.'); dot != std::string::npos) {
      version = std::stoull(stem.substr(0, dot));
      stem = stem.substr(dot + 1);
    }
    for (RoleName role :
         {RoleName::kRoot, RoleName::kTimestamp, RoleName::kSnapshot, RoleName::kTargets}) {
      if (uptane::RoleNameString(role) != stem) continue;
      auto file = repository_.Read(role, version);
      if (!file) return NotFound(path);
      return file->body;
    }
    return NotFound(path);
  }

  static Error NotFound(const std::string& path) {
    return MakeError(CommonErrc::kNotFound, path + ": HTTP 404");
  }

  ImageRepository& repository_;
};

class ClientVerificationTest : public ImageRepoTest {
 protected:
  // A device that shipped with root v1.
  void TrustFirstRoot() { MustOk(store_.Save("root", Served(RoleName::kRoot, 1)), "seeding"); }

  Status Refresh() {
    ServiceFetcher fetcher(Repo());
    uptane::Repository client("image", store_, fetcher);
    OTTER_TRY(client.Refresh(clock_.Now()));
    trusted_root_version_ = client.root().version;
    trusted_ = client.targets();
    return Ok();
  }

  // Downloads `name` the consistent-snapshot way and verifies it.
  Status DownloadAndVerify(const std::string& name) {
    const uptane::TargetFile& target = trusted_.targets.at(name);
    const std::size_t slash = name.rfind('/');
    const std::string folder = slash == std::string::npos ? "" : name.substr(0, slash + 1);
    const std::string base = name.substr(folder.size());
    const std::string path = "targets/" + folder + target.hashes.at("sha256") + "." + base;
    ServiceFetcher fetcher(Repo());
    OTTER_ASSIGN(uptane::ImageVerifier verifier, uptane::ImageVerifier::Create(target));
    OTTER_TRY(fetcher.FetchTo(path, target.length,
                              [&](std::string_view chunk) { return verifier.Update(chunk); }));
    return verifier.Finish();
  }

  uptane::MemoryMetadataStore store_;
  uptane::Targets trusted_;
  std::uint64_t trusted_root_version_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, ClientVerificationTest,
                         ::testing::Values(storage::Backend::kSqlite,
                                           storage::Backend::kPostgresql),
                         storage::testing::BackendName);

TEST_P(ClientVerificationTest, OfflineRepositoryVerifies) {
  InitOffline();
  TrustFirstRoot();
  uptane::TargetFile a = StoredBinary("fw/a.bin", "firmware A");
  a.hashes["sha512"] = Sha512Hex("firmware A");
  ASSERT_TRUE(Push({a, StoredBinary("b.bin", "firmware B")}).ok());
  MustOk(Refresh(), "client refresh");
  ASSERT_EQ(trusted_.targets.size(), 2u);
  MustOk(DownloadAndVerify("fw/a.bin"), "fw/a.bin");
  MustOk(DownloadAndVerify("b.bin"), "b.bin");
}

TEST_P(ClientVerificationTest, RotationsAndRefreshesKeepVerifying) {
  InitOffline();
  TrustFirstRoot();
  ASSERT_TRUE(Push({StoredBinary("a.bin", "one")}).ok());
  MustOk(Refresh(), "first refresh");

  // Root v2 with new root and targets keys, then targets signed by the new key.
  const PrivateKey new_root_key = NewKey();
  const PrivateKey new_targets_key = NewKey();
  uptane::Root root = MakeRoot(2, {&new_root_key});
  root.keys.erase(targets_key_.KeyId());
  root.roles[RoleName::kTargets].keyids.clear();
  AddRoleKey(root, RoleName::kTargets, new_targets_key.public_key());
  ASSERT_TRUE(Repo().PutRoot(SignRoot(root, {&root_key_, &new_root_key})).ok());
  ASSERT_TRUE(
      Repo()
          .PutTargets(SignTargets(MakeTargets(2, {StoredBinary("a.bin", "two")}), &new_targets_key),
                      1)
          .ok());
  clock_.Advance(std::chrono::days(3));  // timestamp and snapshot signed again on the way
  MustOk(Refresh(), "refresh after rotation");
  EXPECT_EQ(trusted_root_version_, 2u);
  EXPECT_EQ(trusted_.version, 2u);
  MustOk(DownloadAndVerify("a.bin"), "a.bin v2");

  clock_.Advance(std::chrono::days(20));
  MustOk(Refresh(), "refresh weeks later");
}

TEST_P(ClientVerificationTest, QuickStartRepositoryVerifies) {
  online_targets_ = true;
  MustOk(Repo().InitializeOnline(root_key_), "initialising");
  TrustFirstRoot();
  MustOk(Refresh(), "empty repository");
  EXPECT_TRUE(trusted_.targets.empty());
  ASSERT_TRUE(Repo().AddTarget(StoredBinary("apps/web.yml", "services: {}\n")).ok());
  clock_.Advance(std::chrono::days(200));  // online targets signed again
  MustOk(Refresh(), "after an online change");
  MustOk(DownloadAndVerify("apps/web.yml"), "compose file");
}

TEST_P(ClientVerificationTest, TamperedContentFailsVerification) {
  InitOffline();
  TrustFirstRoot();
  ASSERT_TRUE(Push({StoredBinary("a.bin", "genuine")}).ok());
  MustOk(Refresh(), "refresh");
  // The blob on disk is replaced behind the store's back.
  const auto blob = Must(Repo().TargetContent("a.bin"), "content");
  std::filesystem::permissions(blob.path, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  MustOk(WriteFileAtomic(blob.path, "forgery"), "tampering");
  auto verified = DownloadAndVerify("a.bin");
  ASSERT_FALSE(verified.ok());
}

}  // namespace
}  // namespace otter::image_repo::testing
