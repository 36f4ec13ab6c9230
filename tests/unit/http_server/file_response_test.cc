// Response::File: files from disk, whole or by range.
#include <gtest/gtest.h>

#include <fstream>

#include "common/http_client.h"
#include "http_server/http_server.h"
#include "unit/http_server/server_harness.h"

namespace otter::http {
namespace {

using namespace harness;  // NOLINT: test helpers

constexpr std::size_t kFileSize = 100'000;

class FileResponseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (std::size_t i = 0; i < kFileSize; ++i) content_.push_back(static_cast<char>(i * 31 % 251));
    std::ofstream(dir_.path() / "blob", std::ios::binary) << content_;
    std::filesystem::create_directory(dir_.path() / "folder");
    Router router;
    router.Add("GET", "/files/{name}", [this](const Request& request) {
      return Response::File(dir_.path() / request.Param("name"), "application/octet-stream")
          .WithHeader("Cache-Control", "no-store");
    });
    server_ = MustStart(std::move(router));
  }

  Result<HttpResponse> Get(const std::string& name, std::map<std::string, std::string> headers = {},
                           std::uint64_t range_start = 0) {
    HttpRequest request;
    request.url = Url(*server_, "/files/" + name);
    request.headers = std::move(headers);
    request.range_start = range_start;
    return client_.Send(request);
  }

  TempDir dir_;
  std::string content_;
  std::unique_ptr<HttpServer> server_;
  HttpClient client_;
};

TEST_F(FileResponseTest, WholeFile) {
  auto response = Get("blob");
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->body == content_);
  EXPECT_EQ(response->headers["content-length"], std::to_string(kFileSize));
  EXPECT_EQ(response->headers["content-type"], "application/octet-stream");
  EXPECT_EQ(response->headers["accept-ranges"], "bytes");
  EXPECT_EQ(response->headers["cache-control"], "no-store");
}

TEST_F(FileResponseTest, OpenRange) {
  auto response = Get("blob", {}, 1000);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 206);
  EXPECT_EQ(response->headers["content-range"], "bytes 1000-99999/100000");
  EXPECT_TRUE(response->body == content_.substr(1000));
}

TEST_F(FileResponseTest, ClosedAndSuffixRanges) {
  auto closed = Get("blob", {{"Range", "bytes=10-19"}});
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->status, 206);
  EXPECT_EQ(closed->headers["content-range"], "bytes 10-19/100000");
  EXPECT_EQ(closed->body, content_.substr(10, 10));
  auto suffix = Get("blob", {{"Range", "bytes=-5"}});
  ASSERT_TRUE(suffix.ok());
  EXPECT_EQ(suffix->status, 206);
  EXPECT_EQ(suffix->body, content_.substr(kFileSize - 5));
}

TEST_F(FileResponseTest, RangePastTheEndIs416) {
  auto response = Get("blob", {}, kFileSize);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 416);
  EXPECT_EQ(response->headers["content-range"], "bytes */100000");
}

TEST_F(FileResponseTest, SeveralRangesOrIfRangeGetTheWholeFile) {
  auto several = Get("blob", {{"Range", "bytes=0-1,5-6"}});
  ASSERT_TRUE(several.ok());
  EXPECT_EQ(several->status, 200);
  EXPECT_EQ(several->body.size(), kFileSize);
  auto if_range = Get("blob", {{"Range", "bytes=10-19"}, {"If-Range", "\"etag\""}});
  ASSERT_TRUE(if_range.ok());
  EXPECT_EQ(if_range->status, 200);
}

TEST_F(FileResponseTest, MissingFileOrFolderIs404) {
  auto missing = Get("nothing");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  auto folder = Get("folder");
  ASSERT_TRUE(folder.ok());
  EXPECT_EQ(folder->status, 404);
}

TEST_F(FileResponseTest, KeepAliveAcrossFileResponses) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Get("blob", {}, 50'000).ok());
  EXPECT_EQ(server_->connections_accepted(), 1U);
}

TEST_F(FileResponseTest, HeadSendsTheLengthOnly) {
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.Send("HEAD /files/blob HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string response = connection.Read(2s);
  EXPECT_TRUE(response.starts_with("HTTP/1.1 200")) << response;
  EXPECT_NE(response.find("Content-Length: 100000\r\n"), std::string::npos) << response;
  EXPECT_TRUE(response.ends_with("\r\n\r\n"));
}

TEST_F(FileResponseTest, LargeFileStreamsWhole) {
  std::string large(16 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < large.size(); i += 4096) large[i] = static_cast<char>(i / 4096);
  std::ofstream(dir_.path() / "large", std::ios::binary) << large;
  auto response = Get("large");
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->body == large);
}

}  // namespace
}  // namespace otter::http
