#include "http_server/session.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <limits>
#include <optional>
#include <vector>

#include "common/errors.h"
#include "http_server/answers.h"
#include "http_server/incoming.h"
#include "http_server/outgoing.h"
#include "http_server/stream.h"
#include "http_server/tls.h"
#include "http_server/worker.h"

namespace otter::http {
namespace {

using Clock = std::chrono::steady_clock;
using HeaderParser = beast_http::request_parser<beast_http::empty_body>;
using StringParser = beast_http::request_parser<beast_http::string_body>;
using BufferParser = beast_http::request_parser<beast_http::buffer_body>;
using Opened = std::variant<BodyStream, Response>;

constexpr std::size_t kReadChunk = 64 * 1024;
// After answering with "Connection: close", what the client still sends is
// read and dropped for this long, up to this much, so that closing does not
// reset the connection before the client has read the answer.
constexpr auto kLingerTimeout = std::chrono::seconds(1);
constexpr std::size_t kLingerBytes = 8 * 1024 * 1024;

auto Redirect(ErrorCode& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// How a connection goes on after a request.
enum class After {
  kKeepOpen,
  kClose,  // the answer said "Connection: close": shut down gracefully
  kAbort,  // close at once
};

// One request and its answer.
struct Exchange {
  Request request;
  unsigned version = 11;
  bool keep_alive = false;
  bool head = false;
  Clock::time_point start = Clock::now();
};

struct PumpResult {
  ErrorCode read_error{};
  std::optional<Error> sink_error{};
};

bool TooLarge(const HeaderParser& parser, const Route& route) {
  const auto length = parser.content_length();
  return length && *length > route.options.max_body_bytes;
}

bool ExpectsContinue(const HeaderParser& parser) {
  return !parser.is_done() &&
         beast::iequals(parser.get()[beast_http::field::expect], "100-continue");
}

Exchange StartExchange(const HeaderParser& parser) {
  Exchange exchange;
  exchange.version = parser.get().version();
  exchange.keep_alive = parser.get().keep_alive();
  exchange.head = parser.get().method() == beast_http::verb::head;
  return exchange;
}

std::string AddressText(asio::ip::address address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

Peer PeerOf(const tcp::socket& socket) {
  ErrorCode ec;
  const tcp::endpoint endpoint = socket.remote_endpoint(ec);
  if (ec) return {};
  return Peer{
      .address = AddressText(endpoint.address()), .port = endpoint.port(), .certificate = {}};
}

class Session final : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(ServerContext& context, Peer peer, tcp::socket socket, asio::ssl::context* tls)
      : context_(context),
        options_(context.options),
        peer_(std::move(peer)),
        stream_(std::move(socket), tls) {}

  static asio::awaitable<void> Run(std::shared_ptr<Session> self, std::uint64_t id);
  void Close(bool only_if_idle) override;
  asio::any_io_executor executor() { return Lowest().get_executor(); }

 private:
  beast::tcp_stream& Lowest() { return stream_.Tcp(); }
  void Expire(std::chrono::milliseconds after) { Lowest().expires_after(after); }

  asio::awaitable<void> Serve();
  asio::awaitable<bool> Handshake();
  asio::awaitable<bool> WaitForRequest();
  asio::awaitable<After> ServeRequest();
  asio::awaitable<After> Dispatch(HeaderParser& parser, Exchange& exchange);
  asio::awaitable<After> ServeBuffered(HeaderParser& header, Exchange& exchange,
                                       const Route& route);
  asio::awaitable<After> ServeStreamed(HeaderParser& header, Exchange& exchange,
                                       const Route& route);
  asio::awaitable<After> StreamBody(HeaderParser& header, Exchange& exchange, const Route& route,
                                    BodyStream& body);
  asio::awaitable<ErrorCode> ReadBody(StringParser& parser);
  asio::awaitable<PumpResult> Pump(BufferParser& parser, BodyStream& body, const Request& request);
  asio::awaitable<Status> WritePiece(BodyStream& body, std::string_view piece,
                                     const Request& request);
  asio::awaitable<bool> SendContinue(const HeaderParser& parser);
  asio::awaitable<After> Refuse(Exchange& exchange, ErrorCode ec);
  asio::awaitable<After> Answer(Exchange& exchange, Response response, bool close);
  asio::awaitable<After> Send(Exchange& exchange, OutgoingResponse response, bool close);
  template <typename Body>
  asio::awaitable<bool> Write(beast_http::response<Body>& message, const Exchange& exchange,
                              bool keep_alive);
  asio::awaitable<void> Finish(After after);
  asio::awaitable<void> CloseGracefully();
  void Log(const Exchange& exchange, const OutgoingResponse& response, bool sent) const;

  ServerContext& context_;
  const ServerOptions& options_;
  Peer peer_;
  Stream stream_;
  beast::flat_buffer buffer_;
  bool idle_ = true;  // no request in progress (guarded by the strand)
  std::uint64_t requests_ = 0;
};

asio::awaitable<void> Session::Run(std::shared_ptr<Session> self, std::uint64_t id) {
  try {
    co_await self->Serve();
  } catch (const std::exception& e) {
    spdlog::error("http: connection from {}: {}", self->peer_.address, e.what());
  } catch (...) {
    spdlog::error("http: connection from {}: unknown exception", self->peer_.address);
  }
  self->context_.connections.Remove(id);
}

void Session::Close(bool only_if_idle) {
  asio::post(executor(), [self = this->shared_from_this(), only_if_idle] {
    if (only_if_idle && !self->idle_) return;
    self->Lowest().close();
  });
}

asio::awaitable<void> Session::Serve() {
  After after = After::kAbort;
  if (co_await Handshake()) after = After::kKeepOpen;
  while (after == After::kKeepOpen) {
    after = After::kAbort;
    if (co_await WaitForRequest()) after = co_await ServeRequest();
  }
  co_await Finish(after);
}

asio::awaitable<bool> Session::Handshake() {
  Stream::TlsStream* tls = stream_.Tls();
  if (tls == nullptr) co_return true;
  if (context_.stopping) co_return false;
  Expire(options_.read_timeout);
  ErrorCode ec;
  co_await tls->async_handshake(asio::ssl::stream_base::server, Redirect(ec));
  if (ec) {
    spdlog::debug("http: TLS handshake with {} failed: {}", peer_.address, ec.message());
    co_return false;
  }
  peer_.certificate = PeerCertificate(tls->native_handle());
  co_return true;
}

asio::awaitable<bool> Session::WaitForRequest() {
  idle_ = true;
  if (context_.stopping) co_return false;
  if (buffer_.size() > 0) co_return true;  // pipelined
  Expire(requests_ == 0 ? options_.read_timeout : options_.idle_timeout);
  ErrorCode ec;
  const std::size_t read =
      co_await stream_.async_read_some(buffer_.prepare(kReadChunk), Redirect(ec));
  buffer_.commit(read);
  co_return !ec;
}

asio::awaitable<After> Session::ServeRequest() {
  idle_ = false;
  ++requests_;
  HeaderParser parser;
  parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
  // Checked per route. (Not boost::none: Beast 1.74 then refuses every
  // Content-Length.)
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  Expire(options_.read_timeout);
  ErrorCode ec;
  co_await beast_http::async_read_header(stream_, buffer_, parser, Redirect(ec));
  if (ec) {
    Exchange unread;
    co_return co_await Refuse(unread, ec);
  }
  Exchange exchange = StartExchange(parser);
  Result<Request> request = ToRequest(parser.get(), peer_);
  if (!request) {
    Response refusal = Response::Error(400, "bad_request", request.error().message());
    co_return co_await Answer(exchange, std::move(refusal), true);
  }
  exchange.request = std::move(request).value();
  co_return co_await Dispatch(parser, exchange);
}

asio::awaitable<After> Session::Dispatch(HeaderParser& parser, Exchange& exchange) {
  RouteMatch match = context_.router.Find(exchange.request.method, exchange.request.path);
  if (match.route == nullptr) {
    co_return co_await Answer(exchange, NoRoute(match), !parser.is_done());
  }
  exchange.request.params = std::move(match.params);
  const Route& route = *match.route;
  if (TooLarge(parser, route)) {
    Response refusal = Response::Error(413, "payload_too_large", "request body too large");
    co_return co_await Answer(exchange, std::move(refusal), true);
  }
  if (std::holds_alternative<StreamOpener>(route.action)) {
    co_return co_await ServeStreamed(parser, exchange, route);
  }
  co_return co_await ServeBuffered(parser, exchange, route);
}

asio::awaitable<After> Session::ServeBuffered(HeaderParser& header, Exchange& exchange,
                                              const Route& route) {
  if (!co_await SendContinue(header)) co_return After::kAbort;
  StringParser parser(std::move(header));
  parser.body_limit(route.options.max_body_bytes);
  const ErrorCode ec = co_await ReadBody(parser);
  if (ec) co_return co_await Refuse(exchange, ec);
  exchange.request.body = std::move(parser.get().body());
  const Handler& handler = std::get<Handler>(route.action);
  const Request& request = exchange.request;
  OutgoingResponse response;
  co_await OnWorker(context_.workers, [&] {
    response = Guarded(
        "handler", request, [&] { return Prepare(handler(request), request); },
        [&] { return Prepare(InternalError(), request); });
  });
  co_return co_await Send(exchange, std::move(response), false);
}

asio::awaitable<After> Session::ServeStreamed(HeaderParser& header, Exchange& exchange,
                                              const Route& route) {
  const StreamOpener& opener = std::get<StreamOpener>(route.action);
  const Request& request = exchange.request;
  Opened opened;
  co_await OnWorker(context_.workers, [&] {
    opened = Guarded(
        "body opener", request, [&] { return opener(request); },
        [] { return Opened(InternalError()); });
  });
  if (auto* answer = std::get_if<Response>(&opened)) {
    co_return co_await Answer(exchange, std::move(*answer), !header.is_done());
  }
  BodyStream& body = std::get<BodyStream>(opened);
  const After after = co_await StreamBody(header, exchange, route, body);
  // The stream's owner may clean up files when it goes: not on this thread.
  if (body.write || body.finish) co_await OnWorker(context_.workers, [&] { body = {}; });
  co_return after;
}

asio::awaitable<After> Session::StreamBody(HeaderParser& header, Exchange& exchange,
                                           const Route& route, BodyStream& body) {
  if (!co_await SendContinue(header)) co_return After::kAbort;
  BufferParser parser(std::move(header));
  parser.body_limit(route.options.max_body_bytes);
  const Request& request = exchange.request;
  PumpResult pumped = co_await Pump(parser, body, request);
  if (pumped.read_error || pumped.sink_error) {
    co_await OnWorker(context_.workers, [&] { body = {}; });  // before answering
  }
  if (pumped.read_error) co_return co_await Refuse(exchange, pumped.read_error);
  if (pumped.sink_error) {
    co_return co_await Answer(exchange, ForSinkError(*pumped.sink_error, request), true);
  }
  OutgoingResponse response;
  co_await OnWorker(context_.workers, [&] {
    response = Guarded(
        "body stream", request, [&] { return Prepare(body.finish(), request); },
        [&] { return Prepare(InternalError(), request); });
    body = {};
  });
  co_return co_await Send(exchange, std::move(response), false);
}

asio::awaitable<ErrorCode> Session::ReadBody(StringParser& parser) {
  ErrorCode ec;
  while (!ec && !parser.is_done()) {
    Expire(options_.read_timeout);  // the longest stall, not the whole body
    co_await beast_http::async_read_some(stream_, buffer_, parser, Redirect(ec));
  }
  co_return ec;
}

asio::awaitable<PumpResult> Session::Pump(BufferParser& parser, BodyStream& body,
                                          const Request& request) {
  std::vector<char> chunk(kReadChunk);
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    Expire(options_.read_timeout);
    ErrorCode ec;
    co_await beast_http::async_read(stream_, buffer_, parser, Redirect(ec));
    if (ec && ec != beast_http::error::need_buffer) co_return PumpResult{.read_error = ec};
    const std::string_view piece(chunk.data(), chunk.size() - parser.get().body().size);
    if (piece.empty()) continue;
    Status written = co_await WritePiece(body, piece, request);
    if (!written) co_return PumpResult{.sink_error = std::move(written).error()};
  }
  co_return PumpResult{};
}

asio::awaitable<Status> Session::WritePiece(BodyStream& body, std::string_view piece,
                                            const Request& request) {
  Status written;
  co_await OnWorker(context_.workers, [&] {
    written = Guarded(
        "body stream", request, [&] { return body.write(piece); },
        [] { return Status(MakeError(CommonErrc::kIo, "the body stream threw")); });
  });
  co_return written;
}

asio::awaitable<bool> Session::SendContinue(const HeaderParser& parser) {
  if (!ExpectsContinue(parser)) co_return true;
  beast_http::response<beast_http::empty_body> message{beast_http::status::continue_,
                                                       parser.get().version()};
  Expire(options_.write_timeout);
  ErrorCode ec;
  co_await beast_http::async_write(stream_, message, Redirect(ec));
  co_return !ec;
}

asio::awaitable<After> Session::Refuse(Exchange& exchange, ErrorCode ec) {
  std::optional<Response> answer = ForReadError(ec);
  if (!answer) {
    spdlog::debug("http: closing the connection from {}: {}", peer_.address, ec.message());
    co_return After::kAbort;
  }
  co_return co_await Answer(exchange, std::move(*answer), true);
}

asio::awaitable<After> Session::Answer(Exchange& exchange, Response response, bool close) {
  const Request& request = exchange.request;
  if (!response.file)
    co_return co_await Send(exchange, Prepare(std::move(response), request), close);
  OutgoingResponse prepared;
  co_await OnWorker(context_.workers, [&] { prepared = Prepare(std::move(response), request); });
  co_return co_await Send(exchange, std::move(prepared), close);
}

asio::awaitable<After> Session::Send(Exchange& exchange, OutgoingResponse response, bool close) {
  const bool keep_alive = exchange.keep_alive && !close && !context_.stopping;
  bool sent = false;
  if (auto* text = std::get_if<StringMessage>(&response)) {
    sent = co_await Write(*text, exchange, keep_alive);
  } else {
    sent = co_await Write(std::get<FileMessage>(response), exchange, keep_alive);
  }
  Log(exchange, response, sent);
  if (!sent) co_return After::kAbort;
  co_return keep_alive ? After::kKeepOpen : After::kClose;
}

template <typename Body>
asio::awaitable<bool> Session::Write(beast_http::response<Body>& message, const Exchange& exchange,
                                     bool keep_alive) {
  message.version(exchange.version);
  message.keep_alive(keep_alive);
  beast_http::response_serializer<Body> serializer(message);
  ErrorCode ec;
  if (exchange.head) {
    Expire(options_.write_timeout);
    co_await beast_http::async_write_header(stream_, serializer, Redirect(ec));
    co_return !ec;
  }
  while (!ec && !serializer.is_done()) {
    Expire(options_.write_timeout);  // the longest stall, not the whole body
    co_await beast_http::async_write_some(stream_, serializer, Redirect(ec));
  }
  co_return !ec;
}

asio::awaitable<void> Session::Finish(After after) {
  if (after == After::kClose) co_await CloseGracefully();
  ErrorCode ignored;
  Lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  Lowest().close();
}

asio::awaitable<void> Session::CloseGracefully() {
  Expire(kLingerTimeout);
  ErrorCode ec;
  if (Stream::TlsStream* tls = stream_.Tls()) {
    co_await tls->async_shutdown(Redirect(ec));
  } else {
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    std::vector<char> scratch(16 * 1024);
    std::size_t drained = 0;
    while (!ec && drained < kLingerBytes) {
      drained += co_await Lowest().async_read_some(asio::buffer(scratch), Redirect(ec));
    }
  }
}

void Session::Log(const Exchange& exchange, const OutgoingResponse& response, bool sent) const {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  const Request& request = exchange.request;
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - exchange.start);
  spdlog::debug("http {} {} {} {}B {}ms from {} cn={}{}",
                request.method.empty() ? "-" : request.method,
                request.target.empty() ? "-" : RawPath(request.target), StatusCode(response),
                BodyBytes(response), elapsed.count(), peer_.address,
                peer_.certificate ? peer_.certificate->subject_cn : "-", sent ? "" : " (unsent)");
}

}  // namespace

void StartSession(ServerContext& context, tcp::socket socket, asio::ssl::context* tls) {
  Peer peer = PeerOf(socket);
  auto session = std::make_shared<Session>(context, std::move(peer), std::move(socket), tls);
  const std::optional<std::uint64_t> id = context.connections.Add(session);
  if (!id) {
    spdlog::debug("http: refusing a connection: {} are open", context.options.max_connections);
    return;
  }
  const asio::any_io_executor executor = session->executor();
  asio::co_spawn(executor, Session::Run(std::move(session), *id), asio::detached);
}

}  // namespace otter::http
