// The byte stream of one connection: TCP, or TLS over TCP, chosen at run
// time so that the connection code and Beast's algorithms are compiled
// once. An AsyncReadStream and AsyncWriteStream. Internal.
#pragma once

#include <optional>

#include "http_server/beast.h"

namespace otter::http {

class Stream {
 public:
  using executor_type = asio::any_io_executor;
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;

  // Plain TCP when `tls` is null.
  Stream(tcp::socket socket, asio::ssl::context* tls) {
    if (tls != nullptr) {
      tls_.emplace(std::move(socket), *tls);
    } else {
      plain_.emplace(std::move(socket));
    }
  }

  executor_type get_executor() { return Tcp().get_executor(); }
  beast::tcp_stream& Tcp() { return tls_ ? tls_->next_layer() : *plain_; }
  TlsStream* Tls() { return tls_ ? &*tls_ : nullptr; }

  template <typename Buffers, typename Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    if (tls_) return tls_->async_read_some(buffers, std::forward<Token>(token));
    return plain_->async_read_some(buffers, std::forward<Token>(token));
  }

  template <typename Buffers, typename Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    if (tls_) return tls_->async_write_some(buffers, std::forward<Token>(token));
    return plain_->async_write_some(buffers, std::forward<Token>(token));
  }

 private:
  std::optional<beast::tcp_stream> plain_;
  std::optional<TlsStream> tls_;
};

}  // namespace otter::http
