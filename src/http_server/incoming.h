// Builds the handler's Request from a Beast request header. Internal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "http_server/beast.h"
#include "http_server/request.h"

namespace otter::http {

// The other end of a connection.
struct Peer {
  std::string address;
  std::uint16_t port = 0;
  std::optional<ClientCertificate> certificate;
};

// Fails (kInvalidArgument) on a target that ParseTarget refuses.
Result<Request> ToRequest(const beast_http::request_header<>& header, const Peer& peer);

// The path of a target as sent, without the query: safe to log, since the
// parser admits no control characters in a target.
std::string_view RawPath(std::string_view target);

}  // namespace otter::http
