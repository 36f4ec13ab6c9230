// Helpers for the HTTP server tests: a server on 127.0.0.1 with short
// timeouts, URLs, a temporary folder, and a raw TCP connection for what
// HttpClient will not send (half a request, chunked bodies, bad paths).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "http_server/http_server.h"
#include "support/must.h"

namespace otter::http::harness {

using namespace std::chrono_literals;
using Milliseconds = std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

inline ServerOptions FastOptions() {
  ServerOptions options;
  options.listeners.push_back(ListenerOptions{});
  options.io_threads = 1;
  options.worker_threads = 4;
  options.read_timeout = 1s;
  options.write_timeout = 2s;
  options.idle_timeout = 2s;
  return options;
}

inline std::unique_ptr<HttpServer> MustStart(Router router, ServerOptions options = FastOptions()) {
  return otter::testing::Must(HttpServer::Start(std::move(options), std::move(router)),
                              "starting the HTTP server");
}

inline std::string Url(const HttpServer& server, std::string_view path,
                       std::string_view scheme = "http") {
  return std::string(scheme) + "://127.0.0.1:" + std::to_string(server.port()) + std::string(path);
}

inline Milliseconds Since(SteadyClock::time_point start) {
  return std::chrono::duration_cast<Milliseconds>(SteadyClock::now() - start);
}

// A folder under the system temp folder, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("otter-http-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A blocking TCP connection to 127.0.0.1.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  // Reads until the peer closes, `until` has arrived, or `timeout` passes.
  std::string Read(Milliseconds timeout, std::string_view until = {}) {
    const auto deadline = SteadyClock::now() + timeout;
    std::string received;
    while (until.empty() || received.find(until) == std::string::npos) {
      const auto left = std::chrono::duration_cast<Milliseconds>(deadline - SteadyClock::now());
      pollfd poll_fd{.fd = fd_, .events = POLLIN, .revents = 0};
      if (left.count() <= 0 || ::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) break;
      char chunk[4096];
      const ssize_t count = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (count <= 0) {
        closed_ = true;
        break;
      }
      received.append(chunk, static_cast<std::size_t>(count));
    }
    return received;
  }

  // Whether a Read() saw the peer close (or reset) the connection.
  bool closed() const { return closed_; }

 private:
  int fd_;
  bool closed_ = false;
};

}  // namespace otter::http::harness
