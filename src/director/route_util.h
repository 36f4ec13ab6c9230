// Shared by the device and admin route files. Internal.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "common/result.h"
#include "http_server/request.h"
#include "http_server/response.h"
#include "http_server/router.h"

namespace otter::api {
class Gatekeeper;
}

namespace otter::director {

class Director;

namespace internal {

// The answer for a Status: `success` when it is OK, ErrorAnswer otherwise.
http::Response Answer(const Status& status, http::Response success);
// The request body as JSON, or a 400 {"code": "malformed"} answer.
Result<nlohmann::json> JsonBody(const http::Request& request);
// A 400 malformed answer for a json::exception escaping a handler.
http::Response Guard(const std::function<http::Response()>& handler);

void AddDeviceRoutes(http::Router& router, Director& director, const api::Gatekeeper& gatekeeper);
void AddAdminRoutes(http::Router& router, Director& director, const api::Gatekeeper& gatekeeper);

}  // namespace internal
}  // namespace otter::director
