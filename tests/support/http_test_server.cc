#include "support/http_test_server.h"

// clang-format off
// Boost 1.74's asio/awaitable.hpp uses std::exchange without <utility>.
#include <utility>
// clang-format on

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <mutex>
#include <thread>

#include "support/http_test_content.h"

namespace otter::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using RawRequest = http::request<http::string_body>;

constexpr std::size_t kEndlessChunk = std::size_t{16} * 1024;

std::string ToString(beast::string_view view) { return std::string(view.data(), view.size()); }

std::string Lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Trimmed(const std::string& prefix) {
  auto first = prefix.find_first_not_of('/');
  if (first == std::string::npos) return "";
  return prefix.substr(first, prefix.find_last_not_of('/') - first + 1);
}

HttpTestRequest ToRequest(const RawRequest& raw) {
  HttpTestRequest request;
  request.method = ToString(raw.method_string());
  request.target = ToString(raw.target());
  request.path = http_test::DecodePath(request.target);
  for (const auto& field : raw)
    request.headers[Lowercase(ToString(field.name_string()))] = ToString(field.value());
  request.body = raw.body();
  return request;
}

bool ClosesConnection(const HttpFault& fault) {
  return fault.endless || fault.truncate_after || fault.extra_bytes > 0;
}

std::string Head(const HttpTestResponse& response, const HttpFault& fault, bool close) {
  auto reason = http::obsolete_reason(http::int_to_status(response.status));
  std::string head =
      "HTTP/1.1 " + std::to_string(response.status) + " " + ToString(reason) + "\r\n";
  for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
  if (!fault.endless) head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  head += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
  return head;
}

asio::awaitable<void> Sleep(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<void> Write(tcp::socket& socket, std::string_view bytes) {
  co_await asio::async_write(socket, asio::buffer(bytes.data(), bytes.size()), asio::use_awaitable);
}

asio::awaitable<void> WriteBody(tcp::socket& socket, std::string_view body,
                                const HttpFault& fault) {
  if (fault.trickle_bytes == 0) {
    co_await Write(socket, body);
    co_return;
  }
  for (std::size_t offset = 0; offset < body.size(); offset += fault.trickle_bytes) {
    co_await Write(socket, body.substr(offset, fault.trickle_bytes));
    co_await Sleep(fault.trickle_interval);
  }
}

// Ends with an exception once the client hangs up.
asio::awaitable<void> WriteEndless(tcp::socket& socket) {
  std::string chunk(kEndlessChunk, 'x');
  for (;;) co_await Write(socket, chunk);
}

}  // namespace

HttpFault HttpFault::Status(unsigned status) {
  HttpFault fault;
  fault.status = status;
  return fault;
}

HttpFault HttpFault::Stall(std::chrono::milliseconds duration) {
  HttpFault fault;
  fault.stall = duration;
  return fault;
}

HttpFault HttpFault::Truncate(std::size_t after_bytes) {
  HttpFault fault;
  fault.truncate_after = after_bytes;
  return fault;
}

HttpFault HttpFault::ExtraBytes(std::size_t bytes) {
  HttpFault fault;
  fault.extra_bytes = bytes;
  return fault;
}

HttpFault HttpFault::Endless() {
  HttpFault fault;
  fault.endless = true;
  return fault;
}

HttpFault HttpFault::Trickle(std::size_t bytes, std::chrono::milliseconds interval) {
  HttpFault fault;
  fault.trickle_bytes = bytes;
  fault.trickle_interval = interval;
  return fault;
}

struct HttpTestServer::Impl {
  asio::io_context io;  // first: destroyed last, after everything using it
  tcp::acceptor acceptor{io};
  mutable std::mutex mutex;
  std::map<std::string, std::string> files;
  std::optional<std::filesystem::path> directory;
  HttpTestHandler handler;
  std::map<std::string, HttpFault> faults;
  std::vector<HttpTestRequest> log;
  int connections = 0;
  std::thread thread;

  void Start();
  asio::awaitable<void> Accept();
  asio::awaitable<void> Session(tcp::socket socket);
  asio::awaitable<bool> Respond(tcp::socket& socket, const RawRequest& raw);
  asio::awaitable<void> Send(tcp::socket& socket, const HttpTestRequest& request,
                             const HttpTestResponse& response, const HttpFault& fault, bool close);
  HttpFault Record(const HttpTestRequest& request);
  HttpTestResponse Answer(const HttpTestRequest& request);
  std::optional<HttpTestResponse> FromContent(const HttpTestRequest& request);
};

void HttpTestServer::Impl::Start() {
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen();
  asio::co_spawn(io, Accept(), asio::detached);
  thread = std::thread([this] { io.run(); });
}

asio::awaitable<void> HttpTestServer::Impl::Accept() {
  try {
    for (;;) {
      tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
      {
        std::lock_guard lock(mutex);
        ++connections;
      }
      asio::co_spawn(io, Session(std::move(socket)), asio::detached);
    }
  } catch (const std::exception&) {
    // The acceptor was closed: the server is stopping.
  }
}

asio::awaitable<void> HttpTestServer::Impl::Session(tcp::socket socket) {
  beast::flat_buffer buffer;
  try {
    bool keep_open = true;
    while (keep_open) {
      RawRequest raw;
      co_await http::async_read(socket, buffer, raw, asio::use_awaitable);
      keep_open = co_await Respond(socket, raw);
    }
  } catch (const std::exception&) {
    // The client hung up, or sent something that is not HTTP.
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

// Returns whether the connection stays open.
asio::awaitable<bool> HttpTestServer::Impl::Respond(tcp::socket& socket, const RawRequest& raw) {
  HttpTestRequest request = ToRequest(raw);
  HttpFault fault = Record(request);
  if (fault.stall.count() > 0) co_await Sleep(fault.stall);
  HttpTestResponse response = fault.status != 0
                                  ? http_test::TextResponse(fault.status, "simulated fault")
                                  : Answer(request);
  bool close = ClosesConnection(fault) || !raw.keep_alive();
  co_await Send(socket, request, response, fault, close);
  co_return !close;
}

asio::awaitable<void> HttpTestServer::Impl::Send(tcp::socket& socket,
                                                 const HttpTestRequest& request,
                                                 const HttpTestResponse& response,
                                                 const HttpFault& fault, bool close) {
  std::string head = Head(response, fault, close);
  co_await Write(socket, head);
  if (request.method == "HEAD") co_return;
  if (fault.endless) {
    co_await WriteEndless(socket);
    co_return;
  }
  std::string_view body = response.body;
  co_await WriteBody(socket, body.substr(0, fault.truncate_after.value_or(body.size())), fault);
  std::string extra(fault.extra_bytes, 'x');
  if (!extra.empty()) co_await Write(socket, extra);
}

// Logs the request and returns the fault set for its path.
HttpFault HttpTestServer::Impl::Record(const HttpTestRequest& request) {
  std::lock_guard lock(mutex);
  log.push_back(request);
  auto fault = faults.find(request.path);
  return fault == faults.end() ? HttpFault{} : fault->second;
}

HttpTestResponse HttpTestServer::Impl::Answer(const HttpTestRequest& request) {
  HttpTestHandler current_handler;
  {
    std::lock_guard lock(mutex);
    current_handler = handler;
  }
  std::optional<HttpTestResponse> response;
  if (current_handler) response = current_handler(request);
  if (!response) response = FromContent(request);
  if (!response) return http_test::TextResponse(404, "not found");
  http_test::ApplyRange(request, *response);
  return *response;
}

std::optional<HttpTestResponse> HttpTestServer::Impl::FromContent(const HttpTestRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  std::lock_guard lock(mutex);
  auto file = files.find(request.path);
  if (file != files.end())
    return HttpTestResponse{.status = 200, .body = file->second, .headers = {}};
  if (!directory) return std::nullopt;
  return http_test::ReadFromDirectory(*directory, request.path);
}

HttpTestServer::HttpTestServer() : impl_(std::make_unique<Impl>()) { impl_->Start(); }

HttpTestServer::~HttpTestServer() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t HttpTestServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string HttpTestServer::url() const { return "http://127.0.0.1:" + std::to_string(port()); }

void HttpTestServer::SetFiles(const std::map<std::string, std::string>& files,
                              const std::string& prefix) {
  std::string base = Trimmed(prefix);
  std::string lead = base.empty() ? "" : base + "/";
  std::lock_guard lock(impl_->mutex);
  std::erase_if(impl_->files, [&](const auto& file) { return file.first.starts_with(lead); });
  for (const auto& [path, bytes] : files) impl_->files[lead + path] = bytes;
}

void HttpTestServer::SetFile(const std::string& path, std::string bytes) {
  std::lock_guard lock(impl_->mutex);
  impl_->files[path] = std::move(bytes);
}

void HttpTestServer::RemoveFile(const std::string& path) {
  std::lock_guard lock(impl_->mutex);
  impl_->files.erase(path);
}

void HttpTestServer::ServeDirectory(std::filesystem::path root) {
  std::lock_guard lock(impl_->mutex);
  impl_->directory = std::move(root);
}

void HttpTestServer::SetHandler(HttpTestHandler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->handler = std::move(handler);
}

void HttpTestServer::SetFault(const std::string& path, HttpFault fault) {
  std::lock_guard lock(impl_->mutex);
  impl_->faults[path] = fault;
}

void HttpTestServer::ClearFault(const std::string& path) {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.erase(path);
}

void HttpTestServer::ClearFaults() {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.clear();
}

int HttpTestServer::requests(const std::string& path) const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<int>(std::count_if(impl_->log.begin(), impl_->log.end(),
                                        [&](const auto& request) { return request.path == path; }));
}

std::vector<HttpTestRequest> HttpTestServer::request_log() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->log;
}

int HttpTestServer::connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

}  // namespace otter::testing
