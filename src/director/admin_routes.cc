// The admin API of the Director: devices, assignments, history, events and
// the Director root, for operator tokens.
#include <charconv>

#include "api/auth.h"
#include "director/director.h"
#include "director/json_views.h"
#include "director/route_util.h"
#include "director/routes.h"
#include "director/sql_util.h"

namespace otter::director::internal {
namespace {

using http::Request;
using http::Response;
using nlohmann::json;

constexpr std::uint64_t kMaxRootBytes = 512 * 1024;

// An unsigned query parameter; `fallback` when absent.
Result<std::uint64_t> QueryNumber(const Request& request, std::string_view name,
                                  std::uint64_t fallback) {
  const auto text = request.Query(name);
  if (!text) return fallback;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || error != std::errc() || end != text->data() + text->size())
    return Malformed("query parameter " + std::string(name) + " must be a number");
  return value;
}

template <typename T>
Response JsonAnswer(const Result<T>& result, unsigned status = 200) {
  if (!result) return ErrorAnswer(result.error());
  return Response::Json(status, ToJson(*result));
}

Response ListDevices(Director& director, const Request& request) {
  auto offset = QueryNumber(request, "offset", 0);
  auto limit = QueryNumber(request, "limit", 100);
  if (!offset || !limit) return ErrorAnswer(!offset ? offset.error() : limit.error());
  auto devices = director.ListDevices({.offset = *offset, .limit = *limit});
  if (!devices) return ErrorAnswer(devices.error());
  return Response::Json(200, {{"devices", ListJson(*devices)}, {"offset", *offset}});
}

Response ShowDevice(Director& director, const Request& request) {
  return JsonAnswer(director.ShowDevice(request.Param("id")));
}

Response History(Director& director, const Request& request) {
  return JsonAnswer(director.History(request.Param("id")));
}

Response Events(Director& director, const Request& request) {
  auto limit = QueryNumber(request, "limit", 100);
  if (!limit) return ErrorAnswer(limit.error());
  auto events = director.Events(request.Param("id"), *limit);
  if (!events) return ErrorAnswer(events.error());
  return Response::Json(200, {{"events", ListJson(*events)}});
}

Result<std::optional<std::string>> OptionalField(const json& body, const char* name) {
  if (!body.contains(name)) return std::optional<std::string>();
  if (!body[name].is_string()) return Malformed(std::string("\"") + name + "\" must be a string");
  return std::optional<std::string>(body[name].get<std::string>());
}

Result<HardwareAssignment> CreateAssignments(Director& director, const json& body) {
  if (!body.is_object()) return Malformed("the body must be a JSON object");
  OTTER_ASSIGN(const auto device, OptionalField(body, "device"));
  OTTER_ASSIGN(const auto hardware_id, OptionalField(body, "hardware_id"));
  OTTER_ASSIGN(const auto target, OptionalField(body, "target"));
  OTTER_ASSIGN(const auto ecu, OptionalField(body, "ecu"));
  if (!target) return Malformed("\"target\" is required");
  if (device.has_value() == hardware_id.has_value())
    return Malformed("give exactly one of \"device\" and \"hardware_id\"");
  if (hardware_id) {
    if (ecu) return Malformed("\"ecu\" goes with \"device\", not with \"hardware_id\"");
    return director.AssignByHardwareId(*hardware_id, *target);
  }
  OTTER_ASSIGN(Assignment assignment, director.Assign(*device, *target, ecu));
  return HardwareAssignment{.assigned = {std::move(assignment)}};
}

Response Assign(Director& director, const Request& request) {
  auto body = JsonBody(request);
  if (!body) return ErrorAnswer(body.error());
  auto result = CreateAssignments(director, *body);
  if (!result) return ErrorAnswer(result.error());
  const unsigned status = result->assigned.empty() ? 200 : 201;
  return Response::Json(
      status, {{"assigned", ListJson(result->assigned)}, {"skipped", ListJson(result->skipped)}});
}

Response Cancel(Director& director, const Request& request) {
  auto cancelled = director.Cancel(request.Param("id"));
  if (!cancelled) return ErrorAnswer(cancelled.error());
  return Response::Json(200, {{"cancelled", ListJson(*cancelled)}});
}

Response GetRoot(Director& director, const Request& request) {
  auto version = QueryNumber(request, "version", 0);
  if (!version) return ErrorAnswer(version.error());
  auto root = director.Root(*version == 0 ? std::nullopt : std::optional(*version));
  if (!root) return ErrorAnswer(root.error());
  Response response;
  response.body = std::move(*root);
  return response.WithHeader("content-type", "application/json");
}

Response PutRoot(Director& director, const Request& request) {
  const Status stored = director.PutRoot(request.body);
  if (!stored) return ErrorAnswer(stored.error());
  auto version = director.RootVersion();
  if (!version) return ErrorAnswer(version.error());
  return Response::Json(201, {{"version", *version}});
}

using AdminHandler = Response (*)(Director&, const Request&);

http::Handler AdminRoute(Director& director, const api::Gatekeeper& gatekeeper,
                         AdminHandler handler) {
  return api::ForOperator(gatekeeper, [&director, handler](const Request& request) {
    return Guard([&] { return handler(director, request); });
  });
}

}  // namespace

void AddAdminRoutes(http::Router& router, Director& director, const api::Gatekeeper& gatekeeper) {
  router.Add("GET", "/api/v1/devices", AdminRoute(director, gatekeeper, ListDevices));
  router.Add("GET", "/api/v1/devices/{id}", AdminRoute(director, gatekeeper, ShowDevice));
  router.Add("GET", "/api/v1/devices/{id}/history", AdminRoute(director, gatekeeper, History));
  router.Add("GET", "/api/v1/devices/{id}/events", AdminRoute(director, gatekeeper, Events));
  router.Add("POST", "/api/v1/assignments", AdminRoute(director, gatekeeper, Assign),
             {.max_body_bytes = kMaxDeviceBodyBytes});
  router.Add("DELETE", "/api/v1/devices/{id}/assignment", AdminRoute(director, gatekeeper, Cancel));
  router.Add("GET", "/api/v1/director/root", AdminRoute(director, gatekeeper, GetRoot));
  router.Add("PUT", "/api/v1/director/root", AdminRoute(director, gatekeeper, PutRoot),
             {.max_body_bytes = kMaxRootBytes});
}

}  // namespace otter::director::internal
