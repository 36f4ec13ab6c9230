#include "server_load/connection.h"

#include <charconv>
#include <chrono>

#include "common/errors.h"

namespace otter::bench {
namespace {

using tcp = asio::ip::tcp;
using StringResponse = beast_http::response<beast_http::string_body>;

// A server that stalls this long fails the request instead of the run.
constexpr auto kIoTimeout = std::chrono::seconds(30);

auto Redirect(ErrorCode& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

Status Check(const ErrorCode& ec, std::string_view what) {
  if (!ec) return Ok();
  return MakeError(CommonErrc::kCrypto, std::string(what) + ": " + ec.message());
}

}  // namespace

Result<Endpoint> ParseHttpsUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.ends_with('/')) url.remove_suffix(1);
  const auto colon = url.rfind(':');
  const std::string_view port_text = url.substr(colon == url.npos ? url.size() : colon + 1);
  std::uint16_t port = 0;
  const auto [end, parse_error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (!url.starts_with(kScheme) || colon <= kScheme.size() || parse_error != std::errc() ||
      end != port_text.data() + port_text.size()) {
    return MakeError(CommonErrc::kInvalidArgument, "not https://ADDRESS:PORT: " + std::string(url));
  }
  const std::string host(url.substr(kScheme.size(), colon - kScheme.size()));
  ErrorCode ec;
  const auto address = asio::ip::make_address(host, ec);
  // Load goes to this machine only.
  if (ec || !address.is_loopback()) {
    return MakeError(CommonErrc::kInvalidArgument, "not a loopback address: " + host);
  }
  return Endpoint{host, tcp::endpoint(address, port)};
}

Result<std::unique_ptr<asio::ssl::context>> ClientTlsContext(const std::string& ca_file,
                                                             const std::string& certificate_pem,
                                                             const std::string& key_pem) {
  auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  ErrorCode ec;
  tls->load_verify_file(ca_file, ec);
  OTTER_TRY(Check(ec, "loading CA " + ca_file));
  tls->use_certificate_chain(asio::buffer(certificate_pem), ec);
  OTTER_TRY(Check(ec, "loading the client certificate"));
  tls->use_private_key(asio::buffer(key_pem), asio::ssl::context::pem, ec);
  OTTER_TRY(Check(ec, "loading the client key"));
  tls->set_verify_mode(asio::ssl::verify_peer);
  return tls;
}

asio::awaitable<Status> Connection::EnsureConnected() {
  if (stream_) co_return Ok();
  stream_.emplace(executor_, tls_);
  const ErrorCode ec = co_await Open(*stream_);
  if (ec) {
    stream_.reset();
    co_return MakeError(CommonErrc::kNetwork, "connecting: " + ec.message());
  }
  ++connects_;
  buffer_.clear();
  co_return Ok();
}

asio::awaitable<ErrorCode> Connection::Open(Stream& stream) {
  ErrorCode ec;
  stream.set_verify_callback(asio::ssl::host_name_verification(endpoint_.host));
  beast::get_lowest_layer(stream).expires_after(kIoTimeout);
  co_await beast::get_lowest_layer(stream).async_connect(endpoint_.address, Redirect(ec));
  if (ec) co_return ec;
  beast::get_lowest_layer(stream).socket().set_option(tcp::no_delay(true), ec);
  co_await stream.async_handshake(asio::ssl::stream_base::client, Redirect(ec));
  co_return ec;
}

asio::awaitable<Result<Reply>> Connection::Exchange(HttpRequest request) {
  if (!stream_) co_return MakeError(CommonErrc::kNetwork, "not connected");
  ErrorCode ec;
  request.keep_alive(true);
  request.prepare_payload();
  beast::get_lowest_layer(*stream_).expires_after(kIoTimeout);
  co_await beast_http::async_write(*stream_, request, Redirect(ec));
  StringResponse response;
  if (!ec) co_await beast_http::async_read(*stream_, buffer_, response, Redirect(ec));
  if (ec || !response.keep_alive()) Close();
  if (ec) co_return MakeError(CommonErrc::kNetwork, ec.message());
  co_return Reply{.status = response.result_int(), .body_bytes = response.body().size()};
}

}  // namespace otter::bench
