// The device gateway routes of the Director: the device id always comes from
// the client certificate (api::ForDevice).
#include "api/auth.h"
#include "director/director.h"
#include "director/route_util.h"
#include "director/routes.h"

namespace otter::director::internal {
namespace {

using http::Request;
using http::Response;

http::RouteOptions Limit(std::uint64_t bytes) { return {.max_body_bytes = bytes}; }

Response ServeMetadata(Director& director, const Request& request, const std::string& device) {
  auto body = director.Metadata(device, request.Param("file"));
  if (!body) return ErrorAnswer(body.error());
  Response response;
  response.body = std::move(*body);
  return response.WithHeader("content-type", "application/json");
}

Response PutManifest(Director& director, const Request& request, const std::string& device) {
  return Answer(director.ProcessManifest(device, request.body), Response::Empty(204));
}

Response RegisterEcus(Director& director, const Request& request, const std::string& device) {
  auto registration = JsonBody(request);
  if (!registration) return ErrorAnswer(registration.error());
  auto changed = director.RegisterEcus(device, *registration);
  if (!changed) return ErrorAnswer(changed.error());
  return Response::Json(200, {{"changed", *changed}});
}

Response StoreEvents(Director& director, const Request& request, const std::string& device) {
  auto events = JsonBody(request);
  if (!events) return ErrorAnswer(events.error());
  auto added = director.StoreEvents(device, *events);
  if (!added) return ErrorAnswer(added.error());
  return Response::Json(200, {{"received", events->size()}, {"new", *added}});
}

http::Handler DataRoute(Director& director, const api::Gatekeeper& gatekeeper,
                        DeviceDataKind kind) {
  return api::ForDevice(
      gatekeeper, [&director, kind](const Request& request, const std::string& device) {
        return Answer(director.StoreDeviceData(device, kind, request.body), Response::Empty(204));
      });
}

// A device route whose handler gets the Director.
template <typename Handler>
http::Handler DeviceRoute(Director& director, const api::Gatekeeper& gatekeeper, Handler handler) {
  return api::ForDevice(gatekeeper,
                        [&director, handler](const Request& request, const std::string& device) {
                          return Guard([&] { return handler(director, request, device); });
                        });
}

}  // namespace

void AddDeviceRoutes(http::Router& router, Director& director, const api::Gatekeeper& gatekeeper) {
  router.Add("GET", "/director/{file}", DeviceRoute(director, gatekeeper, ServeMetadata));
  router.Add("PUT", "/director/manifest", DeviceRoute(director, gatekeeper, PutManifest),
             Limit(kMaxManifestBytes));
  router.Add("POST", "/director/ecus", DeviceRoute(director, gatekeeper, RegisterEcus),
             Limit(kMaxDeviceBodyBytes));
  router.Add("POST", "/events", DeviceRoute(director, gatekeeper, StoreEvents),
             Limit(kMaxDeviceBodyBytes));
  router.Add("PUT", "/system_info", DataRoute(director, gatekeeper, DeviceDataKind::kSystemInfo),
             Limit(kMaxDeviceBodyBytes));
  router.Add("PUT", "/system_info/network",
             DataRoute(director, gatekeeper, DeviceDataKind::kNetwork), Limit(kMaxDeviceBodyBytes));
  router.Add("POST", "/system_info/config",
             DataRoute(director, gatekeeper, DeviceDataKind::kConfig), Limit(kMaxDeviceBodyBytes));
  router.Add("PUT", "/core/installed",
             DataRoute(director, gatekeeper, DeviceDataKind::kInstalledPackages),
             Limit(kMaxDeviceBodyBytes));
}

}  // namespace otter::director::internal
