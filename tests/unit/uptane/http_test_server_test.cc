// HttpTestServer, driven by the project's HttpClient: files, ranges, 404,
// keep-alive, a served folder, a handler, and every injected fault.
#include "support/http_test_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/errors.h"
#include "common/http_client.h"
#include "support/repository_simulator.h"
#include "uptane/fetcher.h"
#include "uptane/metadata_store.h"
#include "uptane/repository.h"

namespace otter::testing {
namespace {

using std::chrono::milliseconds;

constexpr std::uint64_t kCap = 1024 * 1024;

class HttpTestServerTest : public ::testing::Test {
 protected:
  Result<HttpResponse> Get(const std::string& path, std::uint64_t max_bytes = kCap) {
    return client_.Get(server_.url() + "/" + path, max_bytes);
  }

  Result<HttpResponse> GetFrom(const std::string& path, std::uint64_t range_start) {
    HttpRequest request;
    request.url = server_.url() + "/" + path;
    request.range_start = range_start;
    return client_.Send(request);
  }

  HttpTestServer server_;
  HttpClient client_;
};

// A folder under the system temporary folder, removed afterwards.
class TemporaryFolder {
 public:
  TemporaryFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "otter-http-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TemporaryFolder() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

TEST_F(HttpTestServerTest, ListensOnLoopback) {
  EXPECT_GT(server_.port(), 0);
  EXPECT_EQ(server_.url(), "http://127.0.0.1:" + std::to_string(server_.port()));
}

TEST_F(HttpTestServerTest, ServesFilesAndAnswers404ForOthers) {
  server_.SetFile("a/b.json", "{}");
  auto found = Get("a/b.json");
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(found->status, 200);
  EXPECT_EQ(found->body, "{}");
  auto missing = Get("a/c.json");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(server_.requests("a/c.json"), 1);
}

TEST_F(HttpTestServerTest, PrefixedFilesReplaceOnlyTheirPrefix) {
  server_.SetFiles({{"timestamp.json", "director"}}, "director");
  server_.SetFiles({{"timestamp.json", "old"}}, "repo");
  server_.SetFiles({{"snapshot.json", "new"}}, "repo");
  EXPECT_EQ(Get("director/timestamp.json")->body, "director");
  EXPECT_EQ(Get("repo/timestamp.json")->status, 404);
  EXPECT_EQ(Get("repo/snapshot.json")->body, "new");
}

TEST_F(HttpTestServerTest, RangeRequestGetsTheRestWith206) {
  server_.SetFile("image", "0123456789");
  auto partial = GetFrom("image", 4);
  ASSERT_TRUE(partial.ok()) << partial.error().message();
  EXPECT_EQ(partial->status, 206);
  EXPECT_EQ(partial->body, "456789");
  EXPECT_EQ(partial->headers["content-range"], "bytes 4-9/10");
  EXPECT_EQ(server_.request_log().back().headers.at("range"), "bytes=4-");
  EXPECT_EQ(GetFrom("image", 10)->status, 416);
}

TEST_F(HttpTestServerTest, ConnectionIsKeptAlive) {
  server_.SetFile("a", "1");
  ASSERT_TRUE(Get("a").ok());
  ASSERT_TRUE(Get("a").ok());
  EXPECT_EQ(server_.connections(), 1);
}

TEST_F(HttpTestServerTest, FilesChangeBetweenRequests) {
  server_.SetFile("a", "1");
  EXPECT_EQ(Get("a")->body, "1");
  server_.SetFile("a", "2");
  EXPECT_EQ(Get("a")->body, "2");
  server_.RemoveFile("a");
  EXPECT_EQ(Get("a")->status, 404);
}

TEST_F(HttpTestServerTest, ServesAFolderButNothingOutsideIt) {
  TemporaryFolder folder;
  WriteText(folder.path() / "root" / "metadata" / "1.root.json", "root");
  WriteText(folder.path() / "secret", "secret");
  server_.ServeDirectory(folder.path() / "root");
  EXPECT_EQ(Get("metadata/1.root.json")->body, "root");
  EXPECT_EQ(Get("metadata/2.root.json")->status, 404);
  EXPECT_EQ(Get("metadata/%2e%2e/%2e%2e/secret")->status, 403);
}

TEST_F(HttpTestServerTest, HandlerAnswersFirstAndCanFallThrough) {
  server_.SetFile("file", "from files");
  server_.SetHandler([](const HttpTestRequest& request) -> std::optional<HttpTestResponse> {
    if (request.method != "PUT") return std::nullopt;
    return HttpTestResponse{.status = 201, .body = "got " + request.body, .headers = {}};
  });
  HttpRequest put;
  put.method = "PUT";
  put.url = server_.url() + "/manifest";
  put.body = "report";
  auto answer = client_.Send(put);
  ASSERT_TRUE(answer.ok()) << answer.error().message();
  EXPECT_EQ(answer->status, 201);
  EXPECT_EQ(answer->body, "got report");
  EXPECT_EQ(Get("file")->body, "from files");
}

TEST_F(HttpTestServerTest, StatusFault) {
  server_.SetFile("timestamp.json", "{}");
  server_.SetFault("timestamp.json", HttpFault::Status(500));
  EXPECT_EQ(Get("timestamp.json")->status, 500);
  server_.ClearFaults();
  EXPECT_EQ(Get("timestamp.json")->status, 200);
}

TEST_F(HttpTestServerTest, TruncatedBodyIsATransportError) {
  server_.SetFile("image", std::string(1000, 'a'));
  server_.SetFault("image", HttpFault::Truncate(100));
  auto result = Get("image");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().Is(CommonErrc::kNetwork)) << result.error().message();
}

TEST_F(HttpTestServerTest, BytesPastContentLengthAreNotDelivered) {
  server_.SetFile("image", "abc");
  server_.SetFault("image", HttpFault::ExtraBytes(1000));
  auto result = Get("image");
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(result->body, "abc");
}

TEST_F(HttpTestServerTest, EndlessBodyIsStoppedByTheClientCap) {
  server_.SetFault("timestamp.json", HttpFault::Endless());
  auto result = Get("timestamp.json", 100'000);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().Is(CommonErrc::kTooLarge)) << result.error().message();
}

TEST_F(HttpTestServerTest, TrickledBodyArrivesWhole) {
  server_.SetFile("image", "0123456789");
  server_.SetFault("image", HttpFault::Trickle(3, milliseconds(5)));
  EXPECT_EQ(Get("image")->body, "0123456789");
}

TEST(HttpTestServerStallTest, StallTimesTheClientOutAndDoesNotDelayShutdown) {
  const auto begin = std::chrono::steady_clock::now();
  {
    HttpTestServer server;
    server.SetFile("timestamp.json", "{}");
    server.SetFault("timestamp.json", HttpFault::Stall(std::chrono::seconds(60)));
    HttpClientOptions options;
    options.total_timeout_ms = 300;
    HttpClient client(options);
    auto result = client.Get(server.url() + "/timestamp.json", kCap);
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(result.error().Is(CommonErrc::kTimeout)) << result.error().message();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(10));
}

TEST(HttpTestServerRepositoryTest, SimulatedRepositoryRefreshesOverHttp) {
  SimulatedRepository repo;
  repo.AddTarget("fw.bin", "firmware");
  repo.Publish();
  HttpTestServer server;
  server.SetFiles(repo.files(), "repo");
  HttpClient client;
  uptane::HttpFetcher fetcher(client, server.url() + "/repo");
  uptane::MemoryMetadataStore store;
  ASSERT_TRUE(store.Save("root", repo.root_bytes(1)).ok());
  uptane::Repository image("image", store, fetcher);
  auto status = image.Refresh(repo.start());
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_TRUE(image.targets().targets.contains("fw.bin"));
  EXPECT_EQ(server.requests("repo/timestamp.json"), 1);
}

}  // namespace
}  // namespace otter::testing
