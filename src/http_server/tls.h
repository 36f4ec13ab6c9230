// TLS for listeners: the server context, and the client certificate of a
// finished handshake. Internal.
#pragma once

#include <memory>
#include <optional>

#include "common/result.h"
#include "http_server/beast.h"
#include "http_server/http_server.h"
#include "http_server/request.h"

namespace otter::http {

// TLS 1.2 or later, the certificate chain and key, and client certificate
// verification against the CA as `config.client_certs` asks.
Result<std::unique_ptr<asio::ssl::context>> MakeTlsContext(const TlsConfig& config);

// The peer's certificate if it sent one and it verified.
std::optional<ClientCertificate> PeerCertificate(SSL* ssl);

}  // namespace otter::http
