#include "http_server/http_server.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "common/errors.h"
#include "http_server/beast.h"
#include "http_server/server_context.h"
#include "http_server/session.h"
#include "http_server/tls.h"

namespace otter::http {
namespace {

constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);

auto Redirect(ErrorCode& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

struct Listener {
  explicit Listener(asio::io_context& io) : acceptor(asio::make_strand(io)) {}

  tcp::acceptor acceptor;
  std::unique_ptr<asio::ssl::context> tls;  // null: plain HTTP
  std::uint16_t port = 0;
};

Status CheckOptions(const ServerOptions& options) {
  if (options.listeners.empty()) {
    return MakeError(CommonErrc::kInvalidArgument, "no listeners");
  }
  if (options.io_threads == 0 || options.worker_threads == 0 || options.max_connections == 0) {
    return MakeError(CommonErrc::kInvalidArgument, "thread and connection counts must be > 0");
  }
  if (options.max_header_bytes == 0 || options.max_header_bytes > UINT32_MAX) {
    return MakeError(CommonErrc::kInvalidArgument, "max_header_bytes out of range");
  }
  return Ok();
}

Status Bind(tcp::acceptor& acceptor, const ListenerOptions& options) {
  const std::string where = options.address + ":" + std::to_string(options.port);
  ErrorCode ec;
  const asio::ip::address address = asio::ip::make_address(options.address, ec);
  if (ec) return MakeError(CommonErrc::kInvalidArgument, "listener address " + where);
  const tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return MakeError(CommonErrc::kNetwork, "listening on " + where + ": " + ec.message());
  return Ok();
}

Result<std::unique_ptr<Listener>> Listen(asio::io_context& io, const ListenerOptions& options) {
  auto listener = std::make_unique<Listener>(io);
  if (options.tls) {
    OTTER_ASSIGN(listener->tls, MakeTlsContext(*options.tls));
  }
  OTTER_TRY(Bind(listener->acceptor, options));
  ErrorCode ec;
  listener->port = listener->acceptor.local_endpoint(ec).port();
  return listener;
}

asio::awaitable<void> Pause(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  ErrorCode ignored;
  co_await timer.async_wait(Redirect(ignored));
}

asio::awaitable<void> Accept(ServerContext& context, Listener& listener, asio::io_context& io) {
  for (;;) {
    ErrorCode ec;
    tcp::socket socket(
        co_await listener.acceptor.async_accept(asio::make_strand(io), Redirect(ec)));
    if (!listener.acceptor.is_open() || context.stopping) co_return;
    if (!ec) {
      StartSession(context, std::move(socket), listener.tls.get());
    } else {
      // Out of descriptors, say: wait for some to be released.
      spdlog::warn("http: accepting on port {}: {}", listener.port, ec.message());
      co_await Pause(kAcceptRetryDelay);
    }
  }
}

void RunIo(asio::io_context& io) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("http: I/O thread: {}", e.what());
    }
  }
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions options, Router router)
      : io(static_cast<int>(options.io_threads)), context(std::move(options), std::move(router)) {}

  Status Listen();
  void Run();
  void Stop(std::chrono::milliseconds grace);

  asio::io_context io;  // first: destroyed last
  ServerContext context;
  std::vector<std::unique_ptr<Listener>> listeners;
  std::vector<std::thread> io_threads;
  std::mutex stop_mutex;
  bool stopped = false;
};

Status HttpServer::Impl::Listen() {
  for (const ListenerOptions& options : context.options.listeners) {
    OTTER_ASSIGN(std::unique_ptr<Listener> listener, http::Listen(io, options));
    listeners.push_back(std::move(listener));
  }
  return Ok();
}

void HttpServer::Impl::Run() {
  for (const auto& listener : listeners) {
    asio::co_spawn(listener->acceptor.get_executor(), Accept(context, *listener, io),
                   asio::detached);
  }
  for (std::size_t i = 0; i < context.options.io_threads; ++i) {
    io_threads.emplace_back([this] { RunIo(io); });
  }
}

void HttpServer::Impl::Stop(std::chrono::milliseconds grace) {
  std::lock_guard lock(stop_mutex);
  if (stopped) return;
  stopped = true;
  context.stopping = true;
  for (const auto& listener : listeners) {
    asio::post(listener->acceptor.get_executor(), [&acceptor = listener->acceptor] {
      ErrorCode ignored;
      acceptor.close(ignored);
    });
  }
  context.connections.CloseAll(/*only_if_idle=*/true);
  if (!context.connections.WaitUntilEmpty(std::chrono::steady_clock::now() + grace)) {
    spdlog::warn("http: closing {} connections still busy after {} ms", context.connections.open(),
                 grace.count());
    context.connections.CloseAll(/*only_if_idle=*/false);
  }
  for (std::thread& thread : io_threads) thread.join();
  context.workers.join();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ServerOptions options, Router router) {
  OTTER_TRY(router.status());
  OTTER_TRY(CheckOptions(options));
  try {
    auto impl = std::make_unique<Impl>(std::move(options), std::move(router));
    OTTER_TRY(impl->Listen());
    impl->Run();
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
  } catch (const std::exception& e) {  // from Asio: threads, SSL contexts
    return MakeError(CommonErrc::kIo, std::string("starting the HTTP server: ") + e.what());
  }
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }

std::uint16_t HttpServer::port(std::size_t listener) const {
  return listener < impl_->listeners.size() ? impl_->listeners[listener]->port : 0;
}

std::uint64_t HttpServer::connections_accepted() const {
  return impl_->context.connections.accepted();
}

std::size_t HttpServer::open_connections() const { return impl_->context.connections.open(); }

}  // namespace otter::http
