#include "director/routes.h"

#include <spdlog/spdlog.h>

#include "api/answers.h"
#include "director/errors.h"
#include "director/route_util.h"
#include "director/sql_util.h"

namespace otter::director {

void AddRoutes(http::Router& router, Director& director, const api::Gatekeeper& gatekeeper) {
  internal::AddDeviceRoutes(router, director, gatekeeper);
  internal::AddAdminRoutes(router, director, gatekeeper);
}

http::Response ErrorAnswer(const Error& error) {
  if (error.code().category() != DirectorCategory()) return api::ErrorResponse(error);
  const auto code = static_cast<DirectorErrc>(error.code().value());
  if (HttpStatus(code) >= 500) spdlog::warn("director: {}", error.message());
  return http::Response::Error(HttpStatus(code), CodeName(code), error.message());
}

namespace internal {

http::Response Answer(const Status& status, http::Response success) {
  if (!status) return ErrorAnswer(status.error());
  return success;
}

Result<nlohmann::json> JsonBody(const http::Request& request) {
  nlohmann::json value = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Malformed("the request body is not valid JSON");
  return value;
}

http::Response Guard(const std::function<http::Response()>& handler) {
  try {
    return handler();
  } catch (const nlohmann::json::exception& error) {
    return ErrorAnswer(Malformed(std::string("unexpected JSON: ") + error.what()));
  }
}

}  // namespace internal
}  // namespace otter::director
