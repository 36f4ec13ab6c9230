#include "http_server/answers.h"

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "http_server/incoming.h"

namespace otter::http {
namespace {

bool IsMalformed(const ErrorCode& ec) {
  static const auto& kHttpErrors = make_error_code(beast_http::error::bad_method).category();
  return ec.category() == kHttpErrors && ec != beast_http::error::end_of_stream &&
         ec != beast_http::error::partial_message;
}

}  // namespace

Response InternalError() { return Response::Error(500, "internal_error", "internal error"); }

Response NoRoute(const RouteMatch& match) {
  if (match.status != 405) return Response::Error(404, "not_found", "no such resource");
  return Response::Error(405, "method_not_allowed", "method not allowed")
      .WithHeader("allow", match.allow);
}

Response ForSinkError(const Error& error, const Request& request) {
  if (error.Is(CommonErrc::kTooLarge)) {
    return Response::Error(413, "payload_too_large", error.message());
  }
  if (error.Is(CommonErrc::kInvalidArgument) || error.Is(CommonErrc::kParse)) {
    return Response::Error(400, "bad_request", error.message());
  }
  if (error.Is(CommonErrc::kNotFound)) return Response::Error(404, "not_found", error.message());
  spdlog::error("http: {} {}: {}", request.method, RawPath(request.target), error.message());
  return InternalError();
}

std::optional<Response> ForReadError(const ErrorCode& ec) {
  if (ec == beast_http::error::header_limit) {
    return Response::Error(431, "headers_too_large", "request headers too large");
  }
  if (ec == beast_http::error::body_limit) {
    return Response::Error(413, "payload_too_large", "request body too large");
  }
  if (IsMalformed(ec)) return Response::Error(400, "bad_request", "malformed request");
  return std::nullopt;
}

}  // namespace otter::http
