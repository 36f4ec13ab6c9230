#include "image_repo/routes.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "api/answers.h"
#include "image_repo/errors.h"
#include "image_repo/routes_internal.h"

namespace otter::image_repo {
namespace {

unsigned StatusOf(ImageRepoErrc code) {
  switch (code) {
    case ImageRepoErrc::kBadVersion:
    case ImageRepoErrc::kTargetsSignedOffline:
    case ImageRepoErrc::kNotInitialized:
      return 409;
    case ImageRepoErrc::kChangedMeanwhile:
      return 412;
    case ImageRepoErrc::kNotFound:
      return 404;
    case ImageRepoErrc::kBusy:
      return 503;
    default:
      return 400;
  }
}

}  // namespace

http::Response ErrorResponse(const Error& error) {
  if (error.code().category() != ImageRepoCategory()) return api::ErrorResponse(error);
  const auto code = static_cast<ImageRepoErrc>(error.code().value());
  return http::Response::Error(StatusOf(code), ErrorCodeName(code), error.message());
}

http::Handler Guarded(http::Handler handler) {
  return [handler = std::move(handler)](const http::Request& request) {
    try {
      return handler(request);
    } catch (const nlohmann::json::exception& error) {
      return http::Response::Error(400, "bad_request",
                                   std::string("unexpected JSON: ") + error.what());
    }
  };
}

std::optional<std::uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text.front() == '0')) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

void AddRoutes(http::Router& router, ImageRepository& repository, const api::Gatekeeper& gatekeeper,
               const RouteLimits& limits) {
  AddDeviceRoutes(router, repository, gatekeeper);
  AddOperatorRoutes(router, repository, gatekeeper, limits);
  AddUploadRoute(router, repository, gatekeeper, limits);
}

}  // namespace otter::image_repo
