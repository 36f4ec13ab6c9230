// The Director's HTTP routes (docs/api/director.md).
//
// Device gateway, for device certificates only (api::ForDevice; the device
// id comes from the certificate, never from the path or the body):
//   GET  /director/{file}        N.root.json, timestamp.json, snapshot.json, ...
//   PUT  /director/manifest      signed device manifest      (at most 1 MiB)
//   POST /director/ecus          ECU registration            (256 KiB, as the rest)
//   POST /events                 JSON array of events
//   PUT  /system_info            hardware info (JSON object)
//   PUT  /system_info/network    {local_ipv4, mac, hostname}
//   POST /system_info/config     the agent's config (TOML text)
//   PUT  /core/installed         [{name, version}]
//
// Admin API, for operator tokens (api::ForOperator):
//   GET    /api/v1/devices                        ?offset=&limit=
//   GET    /api/v1/devices/{id}
//   GET    /api/v1/devices/{id}/history
//   GET    /api/v1/devices/{id}/events            ?limit=
//   POST   /api/v1/assignments                    {"device"|"hardware_id", "target", "ecu"?}
//   DELETE /api/v1/devices/{id}/assignment
//   GET    /api/v1/director/root                  ?version=
//   PUT    /api/v1/director/root                  root N+1, signed offline
#pragma once

#include <cstdint>

#include "common/result.h"
#include "http_server/response.h"
#include "http_server/router.h"

namespace otter::api {
class Gatekeeper;
}

namespace otter::director {

class Director;

inline constexpr std::uint64_t kMaxManifestBytes = 1024 * 1024;
inline constexpr std::uint64_t kMaxDeviceBodyBytes = 256 * 1024;

// `director` and `gatekeeper` must outlive the router's server.
void AddRoutes(http::Router& router, Director& director, const api::Gatekeeper& gatekeeper);

// {"code", "description"} with the status of a DirectorErrc (errors.h), or
// api::ErrorResponse for other modules' errors.
http::Response ErrorAnswer(const Error& error);

}  // namespace otter::director
