// The HTTP routes of treehub (docs/api/treehub.md):
//
//   GET  /treehub/{path...}                     device or operator: the repository's
//                                               files for libostree pulls (Range supported)
//   POST /api/v1/treehub/objects/missing        operator: which objects the server lacks
//   PUT  /api/v1/treehub/objects/{xx}/{rest}    operator: upload one object (streamed)
//   GET  /api/v1/treehub/refs[/{ref...}]        operator: all refs, or one
//   PUT  /api/v1/treehub/refs/{ref...}          operator: point a ref at a commit
//   GET  /api/v1/treehub/commits/{checksum}     operator: a commit's metadata and completeness
//
// Handlers block on libostree and the disk; they run on the server's
// worker threads. `treehub` and `gatekeeper` must outlive the server.
#pragma once

#include "api/auth.h"
#include "http_server/router.h"
#include "treehub/treehub.h"

namespace otter::treehub {

// The largest POST .../objects/missing body, and names in one query.
inline constexpr std::uint64_t kMaxMissingQueryBytes = 2 * 1024 * 1024;
inline constexpr std::size_t kMaxMissingQueryNames = 10'000;

void AddRoutes(http::Router& router, const Treehub& treehub, const api::Gatekeeper& gatekeeper);

// The answer for a failed treehub operation: {"code", "description"} with
// the status docs/api/treehub.md lists; other modules' errors as
// api::ErrorResponse answers them.
http::Response ErrorResponse(const Error& error);

}  // namespace otter::treehub
