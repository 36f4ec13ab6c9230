// otter-tuf-client, run as a user runs it, against the real-world TUF
// repository in tests/data/tuf-on-ci-0.11 served over HTTP on 127.0.0.1.
#include <gtest/gtest.h>

#include "common/file.h"
#include "integration/command.h"
#include "support/http_test_server.h"

namespace otter::testing {
namespace {

constexpr char kFixedTime[] = "2025-02-09T09:17:23Z";
constexpr char kTarget[] = "delegatedrole/artifact";
constexpr char kTargetFile[] =
    "targets/delegatedrole/45f337ee451b4c098d121d09cc224bacc7794503ac58a47a78cfe7ebefb7fab3.artifact";

class TufClientTest : public ::testing::Test {
 protected:
  TufClientTest() : repository_(SourcePath("tests/data/tuf-on-ci-0.11")) {
    server_.ServeDirectory(repository_);
  }

  CommandResult Client(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), {BinaryPath("src/tuf_client/otter-tuf-client").string(),
                               "--metadata-dir", (work_.path() / "metadata").string()});
    return RunCommand(args, env);
  }

  CommandResult Init() { return Client({"init", (repository_ / "initial_root.json").string()}); }

  CommandResult Refresh(const std::string& time) {
    return Client({"--metadata-url", server_.url() + "/metadata", "--time", time, "refresh"});
  }

  CommandResult Download(const std::string& time) {
    return Client({"--metadata-url", server_.url() + "/metadata", "--time", time, "--target-name",
                   kTarget, "--target-base-url", server_.url() + "/targets", "--target-dir",
                   (work_.path() / "targets").string(), "download"});
  }

  std::filesystem::path repository_;
  HttpTestServer server_;
  TempDir work_;
};

TEST_F(TufClientTest, InitCopiesTheTrustedRoot) {
  ASSERT_EQ(Init().exit_code, 0);
  EXPECT_EQ(ReadFile(work_.path() / "metadata/root.json").value(),
            ReadFile(repository_ / "initial_root.json").value());
}

TEST_F(TufClientTest, RealWorldRepositoryRefreshesAtItsFixedTime) {
  ASSERT_EQ(Init().exit_code, 0);
  auto result = Refresh(kFixedTime);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  for (const char* role : {"root", "timestamp", "snapshot", "targets"})
    EXPECT_TRUE(std::filesystem::exists(work_.path() / "metadata" / (std::string(role) + ".json")))
        << role;
  EXPECT_EQ(ReadFile(work_.path() / "metadata/timestamp.json").value(),
            ReadFile(repository_ / "metadata/timestamp.json").value());
}

TEST_F(TufClientTest, RealWorldRepositoryDownloadsItsDelegatedTarget) {
  ASSERT_EQ(Init().exit_code, 0);
  auto result = Download(kFixedTime);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(ReadFile(work_.path() / "targets" / kTarget).value(),
            ReadFile(repository_ / kTargetFile).value());
  EXPECT_TRUE(std::filesystem::exists(work_.path() / "metadata/delegatedrole.json"));
}

TEST_F(TufClientTest, RealWorldRepositoryIsExpiredIn2045) {
  ASSERT_EQ(Init().exit_code, 0);
  auto result = Refresh("2045-01-01T00:00:00Z");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("expired"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(work_.path() / "metadata/timestamp.json"));
}

TEST_F(TufClientTest, FakeTimeEnvironmentSetsTheReferenceTime) {
  ASSERT_EQ(Init().exit_code, 0);
  auto args = std::vector<std::string>{"--metadata-url", server_.url() + "/metadata", "refresh"};
  EXPECT_EQ(Client(args, {"FAKETIME=@2025-02-09 09:17:23"}).exit_code, 0);
  EXPECT_EQ(Client(args, {"FAKETIME=@2045-01-01 00:00:00"}).exit_code, 1);
}

TEST_F(TufClientTest, TruncatedTargetIsRefusedAndNotWritten) {
  ASSERT_EQ(Init().exit_code, 0);
  server_.SetFault(kTargetFile, HttpFault::Truncate(10));
  auto result = Download(kFixedTime);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_FALSE(std::filesystem::exists(work_.path() / "targets" / kTarget));
}

TEST_F(TufClientTest, OversizedTargetIsCutAtItsLength) {
  ASSERT_EQ(Init().exit_code, 0);
  server_.SetFault(kTargetFile, HttpFault::Endless());
  auto result = Download(kFixedTime);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_FALSE(std::filesystem::exists(work_.path() / "targets" / kTarget));
}

TEST_F(TufClientTest, ServerErrorFailsCleanly) {
  ASSERT_EQ(Init().exit_code, 0);
  server_.SetFault("metadata/timestamp.json", HttpFault::Status(500));
  auto result = Refresh(kFixedTime);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("500"), std::string::npos) << result.output;
}

TEST_F(TufClientTest, MissingTrustedRootFailsWithReason) {
  auto result = Client({"init", (work_.path() / "no-such-root.json").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("no-such-root.json"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace otter::testing
