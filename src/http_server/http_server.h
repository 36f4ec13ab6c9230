// An HTTP/1.1 server: listeners (plain or TLS, optionally mTLS), keep-alive,
// limits and timeouts, and a Router whose handlers run on a pool of worker
// threads, apart from the I/O threads, so that a slow handler never holds
// up other connections.
//
//   Router router;
//   router.Add("GET", "/health", [](const Request&) { return Response::Text(200, "ok"); });
//   ServerOptions options;
//   options.listeners.push_back({.address = "0.0.0.0", .port = 8080});
//   OTTER_ASSIGN(auto server, HttpServer::Start(std::move(options), std::move(router)));
//   ...
//   server->Stop();
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "http_server/router.h"

namespace otter::http {

enum class ClientCertMode {
  kNone,      // no client certificate is asked for
  kOptional,  // one is asked for; a presented one must verify against the CA
  kRequired,  // the handshake fails without a certificate that verifies
};

struct TlsConfig {
  std::filesystem::path cert_file{};  // server certificate chain (PEM)
  std::filesystem::path key_file{};   // its private key (PEM)
  std::filesystem::path ca_file{};    // CA for client certificates (PEM)
  ClientCertMode client_certs = ClientCertMode::kNone;
};

struct ListenerOptions {
  std::string address = "127.0.0.1";  // "0.0.0.0" or "::" for any
  std::uint16_t port = 0;             // 0: an ephemeral port, see HttpServer::port()
  std::optional<TlsConfig> tls{};     // nullopt: plain HTTP
};

struct ServerOptions {
  std::vector<ListenerOptions> listeners{};
  std::size_t io_threads = 2;
  std::size_t worker_threads = 8;
  std::size_t max_connections = 1024;        // more are closed as soon as accepted
  std::size_t max_header_bytes = 16 * 1024;  // request line and headers; more: 431
  // The TLS handshake, the wait for the first request of a connection, the
  // time from the first byte of a request to its last header, and the
  // longest stall while reading a body. Past it the connection is closed.
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};  // the longest stall while sending
  std::chrono::milliseconds idle_timeout{60'000};   // keep-alive wait for a next request
};

class HttpServer {
 public:
  // Binds every listener and starts serving. Fails on an invalid route
  // pattern, an address that cannot be bound, or unreadable TLS files.
  static Result<std::unique_ptr<HttpServer>> Start(ServerOptions options, Router router);

  ~HttpServer();  // Stop() with the default grace period
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Stops accepting, closes idle connections, lets requests in progress
  // finish for up to `grace`, then closes what is left and joins every
  // thread (waiting for handlers that are still running). Idempotent. Must
  // not be called from a handler.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  std::uint16_t port(std::size_t listener = 0) const;  // as bound
  std::uint64_t connections_accepted() const;          // admitted since Start
  std::size_t open_connections() const;

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace otter::http
