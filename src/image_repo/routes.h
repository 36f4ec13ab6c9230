// The Image repository's HTTP routes (documented in docs/api/image-repo.md).
//
// Devices and operators (api::ForDeviceOrOperator):
//   GET /repo/{N}.root.json, /repo/root.json, /repo/timestamp.json,
//       /repo/{N}.snapshot.json, /repo/snapshot.json, /repo/{N}.targets.json,
//       /repo/targets.json                          metadata, application/json
//   GET /repo/targets/{path...}                     target content (Range)
// Operators (api::ForOperator, bearer token):
//   GET    /api/v1/image-repo/online-keys           the server's public keys
//   PUT    /api/v1/image-repo/root                  first root or root N+1
//   GET    /api/v1/image-repo/targets.json          signed targets, ETag "N"
//   PUT    /api/v1/image-repo/targets.json          offline-signed targets, If-Match "N"
//   GET    /api/v1/image-repo/targets               the target list (JSON)
//   POST   /api/v1/image-repo/targets               add a target (online targets key)
//   DELETE /api/v1/image-repo/targets/{name...}     remove one (online targets key)
//   PUT    /api/v1/image-repo/content               upload content (streamed)
#pragma once

#include <cstdint>

#include "api/auth.h"
#include "common/result.h"
#include "http_server/response.h"
#include "http_server/router.h"
#include "image_repo/image_repository.h"

namespace otter::image_repo {

struct RouteLimits {
  std::uint64_t max_root_bytes = 512 * 1024;          // the TUF client's cap
  std::uint64_t max_targets_bytes = 8 * 1024 * 1024;  // likewise
  std::uint64_t max_upload_bytes = std::uint64_t{8} << 30;
};

// `repository` and `gatekeeper` must outlive the router's server.
void AddRoutes(http::Router& router, ImageRepository& repository, const api::Gatekeeper& gatekeeper,
               const RouteLimits& limits = {});

// The answer for an error: this module's codes as listed in errors.h, the
// others through api::ErrorResponse.
http::Response ErrorResponse(const Error& error);

}  // namespace otter::image_repo
