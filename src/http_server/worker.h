// Running handlers on the worker pool, and keeping their exceptions there.
// Internal.
#pragma once

#include <functional>
#include <string_view>

#include "http_server/beast.h"
#include "http_server/request.h"

namespace otter::http {

// Runs `work` on a worker; the calling coroutine resumes on its own
// executor once it is done.
asio::awaitable<void> OnWorker(asio::thread_pool& pool, std::function<void()> work);

// Logs the exception being handled: what threw, for which request.
void LogException(std::string_view what, const Request& request);

// Calls `function`; if it throws, logs and returns `fallback()`.
template <typename Function, typename Fallback>
auto Guarded(std::string_view what, const Request& request, Function function, Fallback fallback)
    -> decltype(function()) {
  try {
    return function();
  } catch (...) {
    LogException(what, request);
  }
  return fallback();
}

}  // namespace otter::http
