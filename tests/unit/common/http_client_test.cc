#include "common/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/errors.h"

namespace otter {
namespace {

using std::chrono::steady_clock;

constexpr std::size_t kLargeBody = 1024 * 1024;
constexpr char kHelloBody[] = "hello, world";

std::string Lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool ReceiveMore(int fd, std::string& buffer) {
  char chunk[4096];
  const ssize_t count = ::recv(fd, chunk, sizeof(chunk), 0);
  if (count <= 0) return false;
  buffer.append(chunk, static_cast<std::size_t>(count));
  return true;
}

std::string Response(int status, std::string_view body, const std::string& headers = "") {
  return "HTTP/1.1 " + std::to_string(status) + " Whatever\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n" + headers + "\r\n" +
         std::string(body);
}

struct ServerRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;

  std::string Header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "(none)" : it->second;
  }
};

ServerRequest ParseHead(const std::string& head) {
  ServerRequest request;
  std::size_t line_end = head.find("\r\n");
  const std::string first = head.substr(0, line_end);
  request.method = first.substr(0, first.find(' '));
  request.path =
      first.substr(request.method.size() + 1, first.rfind(' ') - request.method.size() - 1);
  while (line_end != std::string::npos) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end - start);
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::size_t value = line.find_first_not_of(' ', colon + 1);
    request.headers[Lowercase(line.substr(0, colon))] =
        value == std::string::npos ? "" : line.substr(value);
  }
  return request;
}

std::optional<ServerRequest> ReadRequest(int fd, std::string& buffer) {
  std::size_t end;
  while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!ReceiveMore(fd, buffer)) return std::nullopt;
  }
  ServerRequest request = ParseHead(buffer.substr(0, end));
  buffer.erase(0, end + 4);
  const auto length =
      request.headers.count("content-length") ? std::stoul(request.headers["content-length"]) : 0;
  while (buffer.size() < length) {
    if (!ReceiveMore(fd, buffer)) return std::nullopt;
  }
  request.body = buffer.substr(0, length);
  buffer.erase(0, length);
  return request;
}

// A small HTTP/1.1 server on 127.0.0.1 with a random port, for these tests
// only: one thread accepts, one thread per connection serves requests.
class TestServer {
 public:
  TestServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    auto* generic = reinterpret_cast<sockaddr*>(&address);
    if (::bind(listen_fd_, generic, size) != 0 || ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, generic, &size) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1: " << std::strerror(errno);
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~TestServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : connection_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (std::thread& thread : handlers_) thread.join();
    for (int fd : connection_fds_) ::close(fd);
    ::close(listen_fd_);
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int connections() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(connection_fds_.size());
  }
  ServerRequest last_request() const {
    std::lock_guard lock(mutex_);
    return last_request_;
  }

 private:
  void AcceptLoop() {
    while (true) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      timeval timeout{5, 0};  // no test waits longer on a silent client
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
      std::lock_guard lock(mutex_);
      connection_fds_.push_back(fd);
      handlers_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  void Serve(int fd) {
    std::string buffer;
    while (auto request = ReadRequest(fd, buffer)) {
      {
        std::lock_guard lock(mutex_);
        last_request_ = *request;
      }
      if (!Respond(fd, *request)) break;
    }
    ::shutdown(fd, SHUT_RDWR);
  }

  // Returns whether the connection stays open.
  static bool Respond(int fd, const ServerRequest& request) {
    const std::string& path = request.path;
    if (path == "/hello") {
      const std::string response =
          Response(200, kHelloBody, "X-Test-Header:  Value \r\nX-Twice: a\r\nX-Twice: b\r\n");
      if (request.method == "HEAD") return SendAll(fd, response.substr(0, response.size() - 12));
      return SendAll(fd, response);
    }
    if (path == "/large") return SendAll(fd, Response(200, std::string(kLargeBody, 'x')));
    if (path == "/large-unsized") {
      SendAll(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + std::string(kLargeBody, 'y'));
      return false;
    }
    if (path == "/slow") {
      SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\na");
      pollfd wait{fd, POLLIN, 0};
      ::poll(&wait, 1, 5000);  // until the client gives up
      return false;
    }
    if (path == "/missing") return SendAll(fd, Response(404, "not here"));
    if (path == "/redirect") return SendAll(fd, Response(302, "", "Location: /hello\r\n"));
    if (path == "/echo") {
      return SendAll(
          fd,
          Response(200, request.method + "|" + request.body + "|" + request.Header("range") + "|" +
                            request.Header("x-custom") + "|" + request.Header("user-agent") + "|" +
                            request.Header("content-type")));
    }
    return SendAll(fd, Response(500, "unknown path"));
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<int> connection_fds_;
  std::vector<std::thread> handlers_;
  ServerRequest last_request_;
};

class HttpClientTest : public testing::Test {
 protected:
  // A proxy from the environment must not take the loopback requests.
  static void SetUpTestSuite() { ::setenv("no_proxy", "127.0.0.1", 1); }

  HttpRequest Request(const std::string& method, const std::string& path) {
    HttpRequest request;
    request.method = method;
    request.url = server_.Url(path);
    return request;
  }

  TestServer server_;  // declared first: outlives the clients
};

TEST_F(HttpClientTest, GetsBodyStatusAndHeaders) {
  HttpClient client;
  const auto response = client.Get(server_.Url("/hello"), 1000);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, kHelloBody);
  EXPECT_EQ(response->headers.at("x-test-header"), "Value");
  EXPECT_EQ(response->headers.at("x-twice"), "a, b");
  EXPECT_EQ(response->headers.at("content-length"), "12");
  EXPECT_EQ(response->headers.count("X-Test-Header"), 0u);
  EXPECT_EQ(server_.last_request().method, "GET");
  EXPECT_EQ(server_.last_request().Header("range"), "(none)");
}

TEST_F(HttpClientTest, ErrorStatusIsAValue) {
  HttpClient client;
  const auto response = client.Get(server_.Url("/missing"), 1000);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, "not here");
}

TEST_F(HttpClientTest, DoesNotFollowRedirects) {
  HttpClient client;
  const auto response = client.Get(server_.Url("/redirect"), 1000);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(response->headers.at("location"), "/hello");
}

TEST_F(HttpClientTest, ReusesTheConnection) {
  HttpClient client;
  for (int i = 0; i < 3; ++i) {
    const auto response = client.Get(server_.Url("/hello"), 1000);
    ASSERT_TRUE(response.ok()) << response.error().message();
    EXPECT_EQ(response->body, kHelloBody);
  }
  EXPECT_EQ(server_.connections(), 1);
}

TEST_F(HttpClientTest, BodyAtTheCapIsAccepted) {
  HttpClient client;
  const auto response = client.Get(server_.Url("/large"), kLargeBody);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->body, std::string(kLargeBody, 'x'));
}

TEST_F(HttpClientTest, BodyOverTheCapIsTooLarge) {
  HttpClient client;
  for (const char* path : {"/large", "/large-unsized"}) {
    const auto response = client.Get(server_.Url(path), 1000);
    ASSERT_FALSE(response.ok()) << path;
    EXPECT_TRUE(response.error().Is(CommonErrc::kTooLarge)) << path;
    EXPECT_NE(response.error().message().find("response larger than 1000 bytes"), std::string::npos)
        << response.error().message();
  }
  // The client stays usable after an aborted transfer.
  const auto response = client.Get(server_.Url("/hello"), 1000);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->body, kHelloBody);
}

TEST_F(HttpClientTest, TotalTimeout) {
  HttpClientOptions options;
  options.total_timeout_ms = 300;
  HttpClient client(options);
  const auto start = steady_clock::now();
  const auto response = client.Get(server_.Url("/slow"), 1000);
  const auto elapsed = steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.error().Is(CommonErrc::kTimeout)) << response.error().message();
  EXPECT_NE(response.error().message().find(server_.Url("/slow")), std::string::npos);
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST_F(HttpClientTest, LowSpeedTimeout) {
  HttpClientOptions options;
  options.low_speed_bytes_per_sec = 1000;
  options.low_speed_sec = 1;
  HttpClient client(options);
  const auto start = steady_clock::now();
  const auto response = client.Get(server_.Url("/slow"), 1000);
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.error().Is(CommonErrc::kTimeout)) << response.error().message();
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(HttpClientTest, RefusedConnectionIsNetworkError) {
  // A port that was just free: nothing listens there.
  int port = 0;
  {
    TestServer closed;
    port = std::stoi(closed.Url("").substr(std::string("http://127.0.0.1:").size()));
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/x";
  HttpClient client;
  const auto response = client.Get(url, 1000);
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.error().Is(CommonErrc::kNetwork));
  EXPECT_NE(response.error().message().find(url), std::string::npos) << response.error().message();
}

TEST_F(HttpClientTest, RefusesOtherProtocols) {
  HttpClient client;
  const auto response = client.Get("file:///etc/passwd", 100000);
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.error().Is(CommonErrc::kNetwork));
}

TEST_F(HttpClientTest, SendsMethodBodyAndHeaders) {
  HttpClient client;
  for (const char* method : {"PUT", "POST", "DELETE", "PATCH"}) {
    HttpRequest request = Request(method, "/echo");
    request.body = std::string("payload ") + method;
    request.headers = {{"X-Custom", "yes"}, {"Content-Type", "application/json"}};
    const auto response = client.Send(request);
    ASSERT_TRUE(response.ok()) << response.error().message();
    EXPECT_EQ(response->body,
              std::string(method) + "|payload " + method + "|(none)|yes|otter|application/json");
  }
}

TEST_F(HttpClientTest, InventsNoContentType) {
  HttpClient client;
  HttpRequest request = Request("POST", "/echo");
  request.body = "raw";
  const auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->body, "POST|raw|(none)|(none)|otter|(none)");
}

TEST_F(HttpClientTest, EmptyDeleteSendsNoBody) {
  HttpClient client;
  const auto response = client.Send(Request("DELETE", "/echo"));
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->body, "DELETE||(none)|(none)|otter|(none)");
}

TEST_F(HttpClientTest, HeadHasNoBody) {
  HttpClient client;
  const auto response = client.Send(Request("HEAD", "/hello"));
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "");
  EXPECT_EQ(response->headers.at("content-length"), "12");
}

TEST_F(HttpClientTest, RejectsUnknownMethod) {
  HttpClient client;
  const auto response = client.Send(Request("BREW", "/echo"));
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.error().Is(CommonErrc::kInvalidArgument));
}

TEST_F(HttpClientTest, SendsRangeAndUserAgent) {
  HttpClientOptions options;
  options.user_agent = "otter-test/1";
  HttpClient client(options);
  HttpRequest request = Request("GET", "/echo");
  request.range_start = 5;
  const auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->body, "GET||bytes=5-|(none)|otter-test/1|(none)");
}

TEST_F(HttpClientTest, StreamsChunksToTheSink) {
  HttpClient client;
  std::string received;
  int chunks = 0;
  const auto status = client.SendStreaming(Request("GET", "/large"), [&](std::string_view chunk) {
    received.append(chunk);
    ++chunks;
    return Ok();
  });
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(*status, 200);
  EXPECT_EQ(received, std::string(kLargeBody, 'x'));
  EXPECT_GT(chunks, 1);
}

TEST_F(HttpClientTest, StreamingPassesNoErrorPageToTheSink) {
  HttpClient client;
  std::string received;
  const auto status = client.SendStreaming(Request("GET", "/missing"), [&](std::string_view chunk) {
    received.append(chunk);
    return Ok();
  });
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(*status, 404);
  EXPECT_TRUE(received.empty()) << received;
}

TEST_F(HttpClientTest, SinkErrorAbortsTheTransfer) {
  HttpClient client;
  std::size_t received = 0;
  const auto status =
      client.SendStreaming(Request("GET", "/large"), [&](std::string_view chunk) -> Status {
        received += chunk.size();
        return MakeError(CommonErrc::kCancelled, "sink is full");
      });
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(CommonErrc::kCancelled));
  EXPECT_EQ(status.error().message(), "sink is full");
  EXPECT_LT(received, kLargeBody);
}

TEST_F(HttpClientTest, StreamingHonoursTheCap) {
  HttpClient client;
  std::size_t received = 0;
  HttpRequest request = Request("GET", "/large");
  request.max_response_bytes = 1000;
  const auto status = client.SendStreaming(request, [&](std::string_view chunk) {
    received += chunk.size();
    return Ok();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(CommonErrc::kTooLarge));
  EXPECT_LE(received, 1000u);
}

}  // namespace
}  // namespace otter
