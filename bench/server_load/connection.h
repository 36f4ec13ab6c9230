// One device's keep-alive HTTPS connection with its own client certificate
// (mTLS), driven by Asio coroutines on the load generator's single thread.
//
//   OTTER_ASSIGN(auto tls, ClientTlsContext(ca_file, device.certificate_pem, device.key_pem));
//   Connection connection(io.get_executor(), *tls, endpoint);
//   Status connected = co_await connection.EnsureConnected();
//   Result<Reply> reply = co_await connection.Exchange(request);
#pragma once

// clang-format off
// Boost 1.74's asio/awaitable.hpp uses std::exchange without <utility>.
#include <utility>
// clang-format on

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"

namespace otter::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using ErrorCode = boost::system::error_code;
using HttpRequest = beast_http::request<beast_http::string_body>;

// Where the server listens: from "https://127.0.0.1:8443".
struct Endpoint {
  std::string host;  // as written in the URL, for certificate verification
  asio::ip::tcp::endpoint address;
};
Result<Endpoint> ParseHttpsUrl(std::string_view url);

// Verifies the server against `ca_file` and presents the given certificate.
Result<std::unique_ptr<asio::ssl::context>> ClientTlsContext(const std::string& ca_file,
                                                             const std::string& certificate_pem,
                                                             const std::string& key_pem);

struct Reply {
  unsigned status = 0;
  std::size_t body_bytes = 0;
};

class Connection {
 public:
  Connection(asio::any_io_executor executor, asio::ssl::context& tls, Endpoint endpoint)
      : executor_(std::move(executor)), tls_(tls), endpoint_(std::move(endpoint)) {}

  // TCP connect and TLS handshake, unless the connection is already open.
  asio::awaitable<Status> EnsureConnected();
  // Writes `request` and reads the whole reply. A transport error, or a
  // reply that does not keep the connection alive, closes the connection;
  // EnsureConnected then opens a new one.
  asio::awaitable<Result<Reply>> Exchange(HttpRequest request);
  void Close() { stream_.reset(); }

  // How many times a connection was opened (1 when keep-alive held).
  std::size_t connects() const { return connects_; }

 private:
  using Stream = beast::ssl_stream<beast::tcp_stream>;

  asio::awaitable<ErrorCode> Open(Stream& stream);

  asio::any_io_executor executor_;
  asio::ssl::context& tls_;
  Endpoint endpoint_;
  std::optional<Stream> stream_;
  beast::flat_buffer buffer_;
  std::size_t connects_ = 0;
};

}  // namespace otter::bench
