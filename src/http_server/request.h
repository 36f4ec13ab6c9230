// An HTTP request as a handler sees it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/time.h"

namespace otter::http {

// Names to values, looked up with std::string_view as well as std::string.
using Fields = std::map<std::string, std::string, std::less<>>;

// The client certificate of a TLS connection, verified against the
// listener's CA during the handshake.
struct ClientCertificate {
  std::string subject_cn;
  std::string serial_hex;  // lowercase, without leading zeros: "1a2b3c"
  std::string issuer_cn;
  TimePoint not_after;
  std::string pem;
};

struct Request {
  std::string method;          // "GET"
  std::string target;          // as sent: "/a%20b?x=1"
  std::string path;            // percent-decoded, without the query: "/a b"
  Fields query;                // decoded ('+' is a space); the first of repeated names
  Fields headers;              // lowercase names; repeated headers joined with ", "
  Fields params;               // from the route pattern: {id}, {path...}
  std::string body;            // empty on streamed routes
  std::string remote_address;  // "127.0.0.1"
  std::uint16_t remote_port = 0;
  std::optional<ClientCertificate> client_certificate;

  std::optional<std::string_view> Header(std::string_view lowercase_name) const;
  std::optional<std::string_view> Query(std::string_view name) const;
  // Empty when the route has no such parameter.
  std::string_view Param(std::string_view name) const;
};

}  // namespace otter::http
