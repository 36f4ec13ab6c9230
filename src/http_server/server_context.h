// What the listeners and connections of one server share. Internal.
#pragma once

#include <atomic>

#include "http_server/beast.h"
#include "http_server/connection_registry.h"
#include "http_server/http_server.h"
#include "http_server/router.h"

namespace otter::http {

struct ServerContext {
  ServerContext(ServerOptions server_options, Router server_router)
      : options(std::move(server_options)),
        router(std::move(server_router)),
        workers(options.worker_threads),
        connections(options.max_connections) {}

  const ServerOptions options;
  const Router router;        // read-only once serving: no lock
  asio::thread_pool workers;  // runs handlers and body sinks
  ConnectionRegistry connections;
  std::atomic<bool> stopping{false};
};

}  // namespace otter::http
