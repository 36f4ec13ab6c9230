// The answers the server gives by itself: to requests it cannot read or
// route, and to failed handlers and body streams. Internal.
#pragma once

#include <optional>

#include "common/result.h"
#include "http_server/beast.h"
#include "http_server/request.h"
#include "http_server/response.h"
#include "http_server/router.h"

namespace otter::http {

Response InternalError();  // 500, without details

// 404, or 405 with an Allow header.
Response NoRoute(const RouteMatch& match);

// From the error's code: kTooLarge 413, kInvalidArgument and kParse 400,
// kNotFound 404, anything else 500 (logged, not told).
Response ForSinkError(const Error& error, const Request& request);

// 431, 413 or 400 for a request that could not be read, or nullopt for a
// timeout, a reset or an EOF, where there is nobody to answer.
std::optional<Response> ForReadError(const ErrorCode& ec);

}  // namespace otter::http
