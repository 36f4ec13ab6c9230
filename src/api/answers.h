// How an Error becomes an HTTP answer, the same way for every route:
// {"code": "<snake_case>", "description": "<message>"} with a status from the
// error's code. Server-side failures (database, I/O) answer 500 with a
// generic description and are logged, so internals never reach a client.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/result.h"
#include "http_server/response.h"

namespace otter::api {

// 400 bad input, 401/403 auth, 404 not found, 409 conflict, 413 too large,
// 503 busy, 507 no space, 500 otherwise.
unsigned StatusFor(const Error& error);
http::Response ErrorResponse(const Error& error);
// The same with a status chosen by the caller (for a module's own codes).
http::Response ErrorResponse(const Error& error, unsigned status);

// The body of a request as JSON: a kParse error (answered 400) when it is
// not valid JSON.
Result<nlohmann::json> ParseJsonBody(std::string_view body);

}  // namespace otter::api
