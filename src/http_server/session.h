// One connection: TLS handshake, keep-alive loop, limits and timeouts,
// handlers on the worker pool. Internal.
#pragma once

#include "http_server/beast.h"
#include "http_server/server_context.h"

namespace otter::http {

// Serves `socket` until the connection closes, or closes it at once when
// the connection limit is reached. The socket's executor must be a strand.
// `tls` null: plain HTTP.
void StartSession(ServerContext& context, tcp::socket socket, asio::ssl::context* tls);

}  // namespace otter::http
