// Pushing commits made by the `ostree` CLI to a real treehub server, then
// pulling them back with the `ostree` CLI.
#include <gtest/gtest.h>

#include <mutex>

#include "support/must.h"
#include "treehub_client/treehub_client.h"
#include "unit/treehub/ostree_fixture.h"
#include "unit/treehub/treehub_server.h"

namespace otter::treehub_client {
namespace {

using otter::testing::Must;
using treehub::testing::MustRun;
using treehub::testing::Quote;
using treehub::testing::SourceRepo;
using treehub::testing::TempFolder;
using treehub::testing::TreehubServer;

class PushTest : public ::testing::Test {
 protected:
  PushOptions Options(const SourceRepo& source, const std::string& ref = "os/main") const {
    PushOptions options;
    options.repo = source.path();
    options.ref = ref;
    options.server_url = server_.BaseUrl();
    options.token = server_.token();
    return options;
  }

  // Pulls `ref` with the ostree CLI into a fresh repository, checks it with
  // fsck, and returns the commit it got.
  std::string PullWithOstree(const std::string& ref) {
    const std::string repo = Quote(folder_.path() / ("pulled-" + std::to_string(++pulls_)));
    MustRun("ostree init --mode=archive --repo=" + repo);
    MustRun("ostree remote add --no-gpg-verify --repo=" + repo + " otter " +
            server_.Url("/treehub"));
    MustRun("ostree pull --repo=" + repo +
            " --http-header=" + Quote("Authorization=Bearer " + server_.token()) + " otter " + ref);
    MustRun("ostree fsck --repo=" + repo);
    last_pulled_ = repo;
    return MustRun("ostree rev-parse --repo=" + repo + " otter:" + ref);
  }

  TempFolder folder_;
  TreehubServer server_{folder_.path() / "server"};
  int pulls_ = 0;
  std::string last_pulled_;
};

TEST_F(PushTest, PushesAnArchiveRepositoryThatOstreePullsBack) {
  SourceRepo source(folder_.path() / "source", "archive");
  const std::string commit = source.Commit("os/main", "one", "1.0");
  PushOptions options = Options(source);
  options.parallelism = 8;
  std::mutex mutex;
  std::vector<PushProgress> reports;
  options.progress = [&](const PushProgress& progress) {
    std::lock_guard lock(mutex);
    reports.push_back(progress);
  };
  const PushSummary summary = Must(PushCommit(options));
  EXPECT_EQ(summary.commit, commit);
  EXPECT_EQ(summary.objects_uploaded, summary.objects_total);
  EXPECT_EQ(summary.objects_skipped, 0u);
  EXPECT_GT(summary.bytes_uploaded, 10'000u);
  EXPECT_EQ(summary.ref, "os/main");
  EXPECT_FALSE(summary.previous.has_value());
  ASSERT_EQ(reports.size(), summary.objects_total + 1);
  EXPECT_EQ(reports.front().objects_done, 0u);
  EXPECT_EQ(reports.back().objects_done, summary.objects_total);
  EXPECT_EQ(reports.back().bytes_done, reports.back().bytes_total);
  EXPECT_EQ(reports.back().bytes_total, summary.bytes_uploaded);  // archive: sent as stored

  EXPECT_EQ(PullWithOstree("os/main"), commit);
  EXPECT_EQ(MustRun("ostree cat --repo=" + last_pulled_ + " " + commit + " /usr/share/README"),
            "hello from one");
  EXPECT_EQ(Must(server_.hub().Commit(commit)).version, "1.0");
}

TEST_F(PushTest, PushesABareUserRepositoryCompressingAsItGoes) {
  SourceRepo source(folder_.path() / "source", "bare-user");
  const std::string commit = source.Commit("os/main", "one");
  const PushSummary summary = Must(PushCommit(Options(source)));
  EXPECT_EQ(summary.commit, commit);
  EXPECT_EQ(summary.objects_uploaded, summary.objects_total);
  EXPECT_EQ(PullWithOstree("os/main"), commit);
  const std::string listing =
      MustRun("ostree ls --repo=" + last_pulled_ + " " + commit + " /usr/bin");
  EXPECT_NE(listing.find("-00755"), std::string::npos) << listing;  // the executable
  EXPECT_NE(listing.find("readme -> ../share/README"), std::string::npos) << listing;
}

TEST_F(PushTest, ASecondPushUploadsNothing) {
  SourceRepo source(folder_.path() / "source", "archive");
  source.Commit("os/main", "one");
  const PushSummary first = Must(PushCommit(Options(source)));
  const PushSummary second = Must(PushCommit(Options(source)));
  EXPECT_EQ(second.objects_uploaded, 0u);
  EXPECT_EQ(second.objects_skipped, first.objects_total);
  EXPECT_EQ(second.bytes_uploaded, 0u);
  EXPECT_EQ(second.previous, first.commit);
}

TEST_F(PushTest, ANewCommitUploadsOnlyWhatChangedAndMovesTheRefForward) {
  SourceRepo source(folder_.path() / "source", "bare-user");
  const std::string one = source.Commit("os/main", "one");
  Must(PushCommit(Options(source)));
  const std::string two = source.Commit("os/main", "two");
  const PushSummary summary = Must(PushCommit(Options(source)));
  EXPECT_EQ(summary.commit, two);
  EXPECT_GT(summary.objects_skipped, 0u);  // data.txt and the unchanged folders
  EXPECT_LT(summary.objects_uploaded, summary.objects_total);
  EXPECT_EQ(summary.previous, one);
  EXPECT_FALSE(summary.forced);
  EXPECT_EQ(PullWithOstree("os/main"), two);
}

TEST_F(PushTest, GoingBackNeedsForce) {
  SourceRepo source(folder_.path() / "source", "archive");
  const std::string one = source.Commit("os/main", "one");
  source.Commit("os/main", "two");
  Must(PushCommit(Options(source)));
  PushOptions back = Options(source, one);
  back.remote_ref = "os/main";
  const auto refused = PushCommit(back);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().Is(TreehubClientErrc::kNotFastForward)) << refused.error().message();
  back.force = true;
  const PushSummary forced = Must(PushCommit(back));
  EXPECT_TRUE(forced.forced);
  EXPECT_EQ(Must(server_.hub().Ref("os/main")), one);
}

TEST_F(PushTest, AChecksumWithoutAServerRefOnlyUploads) {
  SourceRepo source(folder_.path() / "source", "archive");
  const std::string one = source.Commit("os/main", "one");
  const PushSummary summary = Must(PushCommit(Options(source, one)));
  EXPECT_EQ(summary.ref, "");
  EXPECT_TRUE(Must(server_.hub().Commit(one)).complete);
  EXPECT_TRUE(Must(server_.hub().Refs()).empty());
}

TEST_F(PushTest, ACorruptLocalObjectIsRejectedAndNoRefMoves) {
  SourceRepo source(folder_.path() / "source", "archive");
  source.Commit("os/main", "one");
  const std::vector<std::string> files = source.ObjectNamesEndingWith(".filez");
  ASSERT_GE(files.size(), 2u);
  std::filesystem::copy_file(source.ObjectPath(files[0]), source.ObjectPath(files[1]),
                             std::filesystem::copy_options::overwrite_existing);
  const auto pushed = PushCommit(Options(source));
  ASSERT_FALSE(pushed.ok());
  EXPECT_TRUE(pushed.error().Is(TreehubClientErrc::kRejected)) << pushed.error().message();
  EXPECT_NE(pushed.error().message().find(files[1]), std::string::npos);
  EXPECT_TRUE(Must(server_.hub().Refs()).empty());
}

TEST_F(PushTest, AWrongTokenIsUnauthorized) {
  SourceRepo source(folder_.path() / "source", "archive");
  source.Commit("os/main", "one");
  PushOptions options = Options(source);
  options.token = "otter_not-a-token";
  const auto pushed = PushCommit(options);
  ASSERT_FALSE(pushed.ok());
  EXPECT_TRUE(pushed.error().Is(TreehubClientErrc::kUnauthorized)) << pushed.error().message();
}

TEST_F(PushTest, AnUnknownLocalRefFails) {
  SourceRepo source(folder_.path() / "source", "archive");
  const auto pushed = PushCommit(Options(source, "no/such/ref"));
  ASSERT_FALSE(pushed.ok());
  EXPECT_TRUE(pushed.error().Is(TreehubClientErrc::kLocalRepository)) << pushed.error().message();
  const auto missing_repo = ResolveLocalCommit(folder_.path() / "nowhere", "os/main");
  ASSERT_FALSE(missing_repo.ok());
  EXPECT_TRUE(missing_repo.error().Is(TreehubClientErrc::kLocalRepository));
}

TEST_F(PushTest, AnUnreachableServerIsANetworkError) {
  SourceRepo source(folder_.path() / "source", "archive");
  source.Commit("os/main", "one");
  PushOptions options = Options(source);
  options.server_url = "http://127.0.0.1:1";
  const auto pushed = PushCommit(options);
  ASSERT_FALSE(pushed.ok());
  EXPECT_TRUE(pushed.error().Is(CommonErrc::kNetwork)) << pushed.error().message();
}

}  // namespace
}  // namespace otter::treehub_client
