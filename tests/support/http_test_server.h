// A small HTTP/1.1 server on 127.0.0.1 (ephemeral port) for tests, on its
// own thread: keep-alive, `Range: bytes=N-` (206), 404 for what it does not
// have, and per-path faults (a status, a stall, a truncated body, bytes past
// Content-Length, an endless body, a trickle).
//
// A request is answered by the handler if one is set and answers it, else
// from the files (SetFiles / SetFile), else from the served directory.
// Every setter may be called while requests are served.
//
//   HttpTestServer server;
//   server.SetFiles(repository.files(), "repo");   // GET /repo/timestamp.json
//   server.SetFault("repo/timestamp.json", HttpFault::Status(500));
//   HttpClient client;
//   auto response = client.Get(server.url() + "/repo/timestamp.json", 16384);
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace otter::testing {

struct HttpTestRequest {
  std::string method;
  std::string target;  // as sent: "/a%20b?x=1"
  std::string path;    // decoded, without the leading '/' or the query: "a b"
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

struct HttpTestResponse {
  unsigned status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
};

// Answers a request, or returns nullopt to leave it to the files.
using HttpTestHandler = std::function<std::optional<HttpTestResponse>(const HttpTestRequest&)>;

// How to misbehave on one path. The fields combine: a stall, then a
// trickled, truncated body.
struct HttpFault {
  unsigned status = 0;                        // answer this status, whatever the content
  std::chrono::milliseconds stall{0};         // wait this long before answering
  std::optional<std::size_t> truncate_after;  // announce the whole body, send this much, close
  std::size_t extra_bytes = 0;                // send this many bytes past the body, close
  bool endless = false;                       // no Content-Length; bytes until the client hangs up
  std::size_t trickle_bytes = 0;              // send the body in pieces this large ...
  std::chrono::milliseconds trickle_interval{0};  // ... with this pause after each

  static HttpFault Status(unsigned status);
  static HttpFault Stall(std::chrono::milliseconds duration);
  static HttpFault Truncate(std::size_t after_bytes);
  static HttpFault ExtraBytes(std::size_t bytes);
  static HttpFault Endless();
  static HttpFault Trickle(std::size_t bytes, std::chrono::milliseconds interval);
};

class HttpTestServer {
 public:
  HttpTestServer();
  ~HttpTestServer();  // stops serving and joins its thread
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:PORT", no trailing slash

  // Serves a copy of `files` under "/<prefix>/<path>" ("/<path>" without a
  // prefix), replacing what was served under that prefix before.
  void SetFiles(const std::map<std::string, std::string>& files, const std::string& prefix = "");
  void SetFile(const std::string& path, std::string bytes);
  void RemoveFile(const std::string& path);
  // Serves the files under `root`; paths with ".." are refused (403).
  void ServeDirectory(std::filesystem::path root);
  void SetHandler(HttpTestHandler handler);

  // `path` as in HttpTestRequest::path, e.g. "repo/timestamp.json".
  void SetFault(const std::string& path, HttpFault fault);
  void ClearFault(const std::string& path);
  void ClearFaults();

  int requests(const std::string& path) const;
  std::vector<HttpTestRequest> request_log() const;
  int connections() const;  // accepted so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace otter::testing
