// Pieces shared by the route files. Internal.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "api/auth.h"
#include "http_server/router.h"
#include "image_repo/image_repository.h"
#include "image_repo/routes.h"

namespace otter::image_repo {

void AddDeviceRoutes(http::Router& router, ImageRepository& repository,
                     const api::Gatekeeper& gatekeeper);
void AddOperatorRoutes(http::Router& router, ImageRepository& repository,
                       const api::Gatekeeper& gatekeeper, const RouteLimits& limits);
void AddUploadRoute(http::Router& router, ImageRepository& repository,
                    const api::Gatekeeper& gatekeeper, const RouteLimits& limits);

// Runs a handler, answering 400 for a JSON type error it throws.
http::Handler Guarded(http::Handler handler);

// Decimal digits without a sign or leading zeros, fitting 64 bits.
std::optional<std::uint64_t> ParseDecimal(std::string_view text);

}  // namespace otter::image_repo
