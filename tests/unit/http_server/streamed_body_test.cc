// Routes whose body reaches a sink piece by piece instead of memory.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/http_client.h"
#include "http_server/http_server.h"
#include "unit/http_server/server_harness.h"

namespace otter::http {
namespace {

using namespace harness;  // NOLINT: test helpers

// What the sinks of one test saw.
struct Upload {
  std::mutex mutex;
  std::string bytes;
  int pieces = 0;
  int opened = 0;
  int released = 0;  // streams destroyed, finished or not
  std::optional<Error> fail_with;
  std::size_t fail_after = 0;
};

// Counts its destruction, as a temp file owner would delete its file.
struct Releaser {
  explicit Releaser(Upload& upload) : upload_(upload) {}
  ~Releaser() {
    std::lock_guard lock(upload_.mutex);
    ++upload_.released;
  }
  Releaser(const Releaser&) = delete;
  Releaser& operator=(const Releaser&) = delete;
  Upload& upload_;
};

Status Write(Upload& upload, std::string_view piece) {
  std::lock_guard lock(upload.mutex);
  upload.bytes.append(piece);
  ++upload.pieces;
  if (upload.fail_with && upload.bytes.size() >= upload.fail_after) return *upload.fail_with;
  return Ok();
}

BodyStream Open(Upload& upload, const Request& request) {
  {
    std::lock_guard lock(upload.mutex);
    ++upload.opened;
  }
  auto releaser = std::make_shared<Releaser>(upload);
  const std::string name(request.Param("name"));
  return BodyStream{
      .write = [&upload, releaser](std::string_view piece) { return Write(upload, piece); },
      .finish =
          [&upload, releaser, name] {
            std::lock_guard lock(upload.mutex);
            return Response::Json(
                201, {{"name", name}, {"bytes", upload.bytes.size()}, {"pieces", upload.pieces}});
          }};
}

constexpr std::uint64_t kLimit = 4 * 1024 * 1024;

Router UploadRouter(Upload& upload) {
  Router router;
  router.AddStreamed(
      "PUT", "/upload/{name}",
      [&upload](const Request& request) -> std::variant<BodyStream, Response> {
        if (request.Param("name") == "taken") return Response::Error(409, "exists", "taken");
        return Open(upload, request);
      },
      kLimit);
  return router;
}

std::string Pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return bytes;
}

Result<HttpResponse> Put(const HttpServer& server, const std::string& path, std::string body) {
  HttpRequest request;
  request.method = "PUT";
  request.url = Url(server, path);
  request.body = std::move(body);
  return HttpClient().Send(request);
}

int Released(Upload& upload) {
  std::lock_guard lock(upload.mutex);
  return upload.released;
}

TEST(StreamedBody, ReachesTheSinkInPieces) {
  Upload upload;
  auto server = MustStart(UploadRouter(upload));
  const std::string body = Pattern(1024 * 1024 + 17);
  auto response = Put(*server, "/upload/blob", body);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 201);
  const auto answer = nlohmann::json::parse(response->body);
  EXPECT_EQ(answer["name"], "blob");
  EXPECT_EQ(answer["bytes"], body.size());
  EXPECT_GE(answer["pieces"].get<int>(), 2);
  EXPECT_TRUE(upload.bytes == body);
  EXPECT_EQ(Released(upload), 1);
}

TEST(StreamedBody, ChunkedUpload) {
  Upload upload;
  auto server = MustStart(UploadRouter(upload));
  RawConnection connection(server->port());
  ASSERT_TRUE(
      connection.Send("PUT /upload/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  const std::string response = connection.Read(2s, "}");
  EXPECT_TRUE(response.starts_with("HTTP/1.1 201")) << response;
  EXPECT_EQ(upload.bytes, "hello world");
}

TEST(StreamedBody, SinkErrorAbortsWithItsStatus) {
  struct Case {
    CommonErrc code;
    long status;
  };
  for (const Case& c : {Case{CommonErrc::kInvalidArgument, 400}, Case{CommonErrc::kIo, 500},
                        Case{CommonErrc::kTooLarge, 413}}) {
    Upload upload;
    upload.fail_with = MakeError(c.code, "sink refused");
    upload.fail_after = 100 * 1024;
    auto server = MustStart(UploadRouter(upload));
    auto response = Put(*server, "/upload/x", Pattern(2 * 1024 * 1024));
    ASSERT_TRUE(response.ok()) << response.error().message();
    EXPECT_EQ(response->status, c.status);
    EXPECT_LT(upload.bytes.size(), 2U * 1024 * 1024);
    EXPECT_EQ(Released(upload), 1);  // before the answer was sent
  }
}

TEST(StreamedBody, OpenerCanAnswerWithoutReadingTheBody) {
  Upload upload;
  auto server = MustStart(UploadRouter(upload));
  auto response = Put(*server, "/upload/taken", Pattern(64 * 1024));
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 409);
  EXPECT_EQ(upload.opened, 0);
}

TEST(StreamedBody, ContentLengthPastTheLimitIs413BeforeOpening) {
  Upload upload;
  auto server = MustStart(UploadRouter(upload));
  auto response = Put(*server, "/upload/big", Pattern(kLimit + 1));
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(upload.opened, 0);
}

TEST(StreamedBody, ChunkedPastTheLimitIs413) {
  Upload upload;
  auto server = MustStart(UploadRouter(upload));
  RawConnection connection(server->port());
  ASSERT_TRUE(
      connection.Send("PUT /upload/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "100000\r\n" + std::string(0x100000, 'c') + "\r\n";  // 1 MiB
  for (int i = 0; i < 5 && connection.Send(chunk); ++i) {
  }
  const std::string response = connection.Read(3s);
  EXPECT_TRUE(response.starts_with("HTTP/1.1 413")) << response.substr(0, 200);
  EXPECT_LE(upload.bytes.size(), kLimit);
  EXPECT_EQ(Released(upload), 1);
}

TEST(StreamedBody, ClientGoingAwayReleasesTheStream) {
  Upload upload;
  auto server = MustStart(UploadRouter(upload));
  {
    RawConnection connection(server->port());
    ASSERT_TRUE(connection.Send(
        "PUT /upload/gone HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\npartial"));
    const auto start = SteadyClock::now();
    while (upload.opened == 0 && Since(start) < 2s) std::this_thread::sleep_for(5ms);
  }
  const auto start = SteadyClock::now();
  while (Released(upload) == 0 && Since(start) < 2s) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(Released(upload), 1);
}

}  // namespace
}  // namespace otter::http
