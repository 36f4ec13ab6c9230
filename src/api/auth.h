// Who is calling the server, and the route wrappers that check it.
//
// Devices are known only by their mTLS client certificate: the device role in
// the subject OU, the device id as CN, and the serial the server issued (a
// revoked or replaced certificate is refused even though it still verifies
// against the CA). Operators and publishers send a bearer token, stored
// hashed. The fleet provisioning certificate may only call POST /devices.
//
//   router.Add("GET", "/director/{file}",
//              api::ForDevice(gatekeeper, [&](const http::Request& request,
//                                             const std::string& device_id) { ... }));
//   router.Add("GET", "/api/v1/devices", api::ForOperator(gatekeeper, ListDevices));
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"
#include "http_server/router.h"

namespace otter::storage {
class Database;
}

namespace otter::api {

enum class AuthErrc {
  kUnauthenticated = 1,  // no or unknown credential: 401
  kForbidden,            // a valid credential that may not do this: 403
};

const std::error_category& AuthCategory();
inline std::error_code make_error_code(AuthErrc e) {  // NOLINT: ADL name
  return {static_cast<int>(e), AuthCategory()};
}

class Gatekeeper {
 public:
  Gatekeeper(storage::Database& database, const Clock& clock)
      : database_(database), clock_(clock) {}

  // The device id of a request that carries a device certificate that is
  // the one registered for that device (same serial) and not revoked.
  Result<std::string> Device(const http::Request& request) const;
  // A request with the fleet provisioning certificate.
  Status Provisioning(const http::Request& request) const;
  // A request with a valid operator token; returns the token's name.
  Result<std::string> Operator(const http::Request& request) const;

 private:
  storage::Database& database_;
  const Clock& clock_;
};

using DeviceHandler =
    std::function<http::Response(const http::Request& request, const std::string& device_id)>;
using OperatorHandler = std::function<http::Response(const http::Request& request)>;

// Route wrappers: answer 401/403 with {"code", "description"} unless the
// caller is a device (with its id) or an operator.
http::Handler ForDevice(const Gatekeeper& gatekeeper, DeviceHandler handler);
http::Handler ForOperator(const Gatekeeper& gatekeeper, OperatorHandler handler);
// Either a device or an operator (the shared Image repository and treehub).
http::Handler ForDeviceOrOperator(const Gatekeeper& gatekeeper, OperatorHandler handler);
http::StreamOpener ForOperatorStream(const Gatekeeper& gatekeeper, http::StreamOpener opener);

}  // namespace otter::api

template <>
struct std::is_error_code_enum<otter::api::AuthErrc> : std::true_type {};
