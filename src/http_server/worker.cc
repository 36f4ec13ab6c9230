#include "http_server/worker.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <string>

#include "http_server/incoming.h"

namespace otter::http {

asio::awaitable<void> OnWorker(asio::thread_pool& pool, std::function<void()> work) {
  co_await asio::co_spawn(
      pool.get_executor(),
      [&work]() -> asio::awaitable<void> {
        work();
        co_return;
      },
      asio::use_awaitable);
}

void LogException(std::string_view what, const Request& request) {
  std::string reason = "unknown exception";
  try {
    throw;
  } catch (const std::exception& e) {
    reason = e.what();
  } catch (...) {
  }
  spdlog::error("http: {} for {} {} threw: {}", what, request.method, RawPath(request.target),
                reason);
}

}  // namespace otter::http
