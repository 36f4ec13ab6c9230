#include "server/provisioning.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "api/answers.h"
#include "api/auth.h"
#include "api/device_credentials.h"
#include "common/errors.h"
#include "storage/errors.h"

namespace otter::server {
namespace {

using nlohmann::json;
constexpr std::uint64_t kMaxRequestBytes = 16 * 1024;

json CredentialJson(const IssuedCredential& credential) {
  return {{"certificate", credential.certificate.ToPem()},
          {"private_key", credential.key.ToPem()},
          {"ca", credential.ca_pem}};
}

// aktualizr sends the wanted certificate lifetime as a string of hours.
Result<std::optional<std::chrono::hours>> ParseTtl(const json& body) {
  if (!body.contains("ttl")) return std::optional<std::chrono::hours>();
  const json& ttl = body.at("ttl");
  long long hours = 0;
  if (ttl.is_number_unsigned()) {
    hours = ttl.get<long long>();
  } else if (ttl.is_string()) {
    const std::string& text = ttl.get_ref<const std::string&>();
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), hours);
    if (error != std::errc() || end != text.data() + text.size()) hours = 0;
  }
  if (hours <= 0)
    return MakeError(CommonErrc::kInvalidArgument, "ttl must be a positive number of hours");
  return std::optional<std::chrono::hours>(std::chrono::hours(hours));
}

Result<std::string> DeviceIdFrom(const json& body) {
  if (!body.is_object() || !body.contains("deviceId") || !body.at("deviceId").is_string()) {
    return MakeError(CommonErrc::kInvalidArgument, "the body needs a string \"deviceId\"");
  }
  return body.at("deviceId").get<std::string>();
}

Result<IssuedCredential> CreateFromBody(const Provisioning& provisioning, const json& body) {
  OTTER_ASSIGN(const std::string device_id, DeviceIdFrom(body));
  OTTER_ASSIGN(const auto ttl, ParseTtl(body));
  auto credential = provisioning.CreateDevice(device_id, ttl);
  if (credential.ok()) spdlog::info("provisioning: registered device {}", device_id);
  return credential;
}

http::Response RefusedDevice(const Error& error) {
  if (error.Is(storage::StorageErrc::kConflict)) {
    return http::Response::Error(409, "device_already_registered",
                                 "this device id is already registered");
  }
  return api::ErrorResponse(error);
}

http::Response Pkcs12Response(const IssuedCredential& credential) {
  auto ca = x509::Certificate::FromPem(credential.ca_pem);
  if (!ca.ok()) return api::ErrorResponse(ca.error());
  auto pkcs12 = x509::ToPkcs12(credential.certificate, credential.key, {*ca});
  if (!pkcs12.ok()) return api::ErrorResponse(pkcs12.error());
  http::Response response;
  response.body = std::move(*pkcs12);
  response.headers["content-type"] = "application/x-pkcs12";
  return response;
}

Result<IssuedCredential> CreateFleetFromBody(const Provisioning& provisioning, const json& body) {
  if (!body.is_object())
    return MakeError(CommonErrc::kInvalidArgument, "the body must be an object");
  const json name = body.value("name", json("fleet"));
  const json days = body.value("days", json(3650));
  if (!name.is_string() || !days.is_number_integer() || days.get<long long>() <= 0 ||
      days.get<long long>() > 36500) {
    return MakeError(CommonErrc::kInvalidArgument,
                     "\"name\" must be a string and \"days\" an integer from 1 to 36500");
  }
  return provisioning.CreateFleetCredential(name.get<std::string>(),
                                            std::chrono::hours(24 * days.get<long long>()));
}

bool WantsJson(const http::Request& request) {
  const auto accept = request.Header("accept");
  return accept && accept->find("application/json") != std::string_view::npos;
}

json WithRoots(json bundle, const InitialRoots& roots, const std::string& gateway_url) {
  bundle["gateway_url"] = gateway_url;
  if (auto image = roots.image(); image.ok())
    bundle["image_root"] = json::parse(*image, nullptr, false);
  if (auto director = roots.director(); director.ok()) {
    bundle["director_root"] = json::parse(*director, nullptr, false);
  }
  return bundle;
}

}  // namespace

Result<IssuedCredential> Provisioning::Issue(std::string_view name, x509::Role role,
                                             std::chrono::hours lifetime) const {
  OTTER_ASSIGN(PrivateKey key, x509::GenerateTlsKey());
  OTTER_ASSIGN(x509::Certificate certificate,
               ca_.IssueClientCertificate(name, role, key.public_key(),
                                          x509::Validity::Starting(clock_.Now(), lifetime)));
  return IssuedCredential{.common_name = std::string(name),
                          .certificate = std::move(certificate),
                          .key = std::move(key),
                          .ca_pem = ca_.certificate().ToPem()};
}

Result<IssuedCredential> Provisioning::CreateDevice(
    std::string_view device_id, std::optional<std::chrono::hours> lifetime) const {
  OTTER_TRY(api::ValidateDeviceId(device_id));
  const auto granted = std::min(lifetime.value_or(max_lifetime_), max_lifetime_);
  OTTER_ASSIGN(IssuedCredential credential, Issue(device_id, x509::Role::kDevice, granted));
  OTTER_TRY(api::DeviceCredentials(database_).Register(
      device_id, credential.certificate.SerialHex(), clock_.Now()));
  return credential;
}

Result<IssuedCredential> Provisioning::CreateFleetCredential(std::string_view name,
                                                             std::chrono::hours lifetime) const {
  OTTER_TRY(api::ValidateDeviceId(name));
  return Issue(name, x509::Role::kProvisioning, lifetime);
}

void AddProvisioningRoutes(http::Router& router, const Provisioning& provisioning,
                           const api::Gatekeeper& gatekeeper, InitialRoots roots,
                           std::string gateway_url) {
  router.Add("POST", "/devices",
             [&provisioning, &gatekeeper](const http::Request& request) {
               if (auto allowed = gatekeeper.Provisioning(request); !allowed.ok()) {
                 return api::ErrorResponse(allowed.error());
               }
               auto body = api::ParseJsonBody(request.body);
               if (!body.ok()) return api::ErrorResponse(body.error());
               auto credential = CreateFromBody(provisioning, *body);
               if (!credential.ok()) return RefusedDevice(credential.error());
               if (!WantsJson(request)) return Pkcs12Response(*credential);
               return http::Response::Json(200, CredentialJson(*credential));
             },
             {.max_body_bytes = kMaxRequestBytes});

  router.Add("POST", "/api/v1/devices",
             api::ForOperator(gatekeeper,
                              [&provisioning, roots, gateway_url](const http::Request& request) {
                                auto body = api::ParseJsonBody(request.body);
                                if (!body.ok()) return api::ErrorResponse(body.error());
                                auto credential = CreateFromBody(provisioning, *body);
                                if (!credential.ok()) return RefusedDevice(credential.error());
                                return http::Response::Json(
                                    201,
                                    WithRoots(CredentialJson(*credential), roots, gateway_url));
                              }),
             {.max_body_bytes = kMaxRequestBytes});

  router.Add(
      "POST", "/api/v1/fleet/credentials",
      api::ForOperator(gatekeeper,
                       [&provisioning, roots, gateway_url](const http::Request& request) {
                         auto body = api::ParseJsonBody(request.body.empty() ? "{}" : request.body);
                         if (!body.ok()) return api::ErrorResponse(body.error());
                         auto credential = CreateFleetFromBody(provisioning, *body);
                         if (!credential.ok()) return api::ErrorResponse(credential.error());
                         return http::Response::Json(
                             201, WithRoots(CredentialJson(*credential), roots, gateway_url));
                       }),
      {.max_body_bytes = kMaxRequestBytes});
}

}  // namespace otter::server
