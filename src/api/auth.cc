#include "api/auth.h"

#include <utility>

#include "api/answers.h"
#include "api/device_credentials.h"
#include "api/tokens.h"
#include "storage/errors.h"
#include "x509/x509.h"

namespace otter::api {
namespace {

class AuthCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "otter.auth"; }
  std::string message(int value) const override {
    switch (static_cast<AuthErrc>(value)) {
      case AuthErrc::kUnauthenticated:
        return "unauthenticated";
      case AuthErrc::kForbidden:
        return "forbidden";
    }
    return "unknown";
  }
};

Error Unauthenticated(std::string message) {
  return MakeError(AuthErrc::kUnauthenticated, std::move(message));
}

Error Forbidden(std::string message) { return MakeError(AuthErrc::kForbidden, std::move(message)); }

// The role written in a verified client certificate's OU.
Result<x509::Role> CertificateRole(const http::ClientCertificate& presented) {
  auto certificate = x509::Certificate::FromPem(presented.pem);
  if (!certificate.ok()) return Unauthenticated("unreadable client certificate");
  auto role = certificate->role();
  if (!role.ok()) return Forbidden("the client certificate carries no Otter role");
  return *role;
}

Result<const http::ClientCertificate*> PresentedCertificate(const http::Request& request,
                                                            x509::Role wanted, TimePoint now) {
  if (!request.client_certificate) {
    return Unauthenticated("this endpoint needs a " + std::string(x509::RoleName(wanted)) +
                           " client certificate");
  }
  const http::ClientCertificate& presented = *request.client_certificate;
  if (presented.not_after < now) return Unauthenticated("the client certificate has expired");
  OTTER_ASSIGN(const x509::Role role, CertificateRole(presented));
  if (role != wanted) {
    return Forbidden("a " + std::string(x509::RoleName(role)) +
                     " certificate may not call this endpoint");
  }
  return &presented;
}

std::optional<std::string_view> BearerToken(const http::Request& request) {
  constexpr std::string_view kScheme = "Bearer ";
  const auto header = request.Header("authorization");
  if (!header || header->size() <= kScheme.size()) return std::nullopt;
  if (header->substr(0, kScheme.size()) != kScheme) return std::nullopt;
  return header->substr(kScheme.size());
}

}  // namespace

const std::error_category& AuthCategory() {
  static const AuthCategoryImpl category;
  return category;
}

Result<std::string> Gatekeeper::Device(const http::Request& request) const {
  OTTER_ASSIGN(const http::ClientCertificate* presented,
               PresentedCertificate(request, x509::Role::kDevice, clock_.Now()));
  auto credential = DeviceCredentials(database_).Find(presented->subject_cn);
  if (!credential.ok()) {
    if (credential.error().Is(storage::StorageErrc::kNotFound)) {
      return Unauthenticated("device " + presented->subject_cn + " is not registered");
    }
    return std::move(credential).error();
  }
  if (credential->revoked) return Forbidden("device " + credential->device_id + " is revoked");
  if (credential->certificate_serial != presented->serial_hex) {
    return Unauthenticated("this certificate of device " + credential->device_id +
                           " has been replaced");
  }
  return credential->device_id;
}

Status Gatekeeper::Provisioning(const http::Request& request) const {
  OTTER_TRY(PresentedCertificate(request, x509::Role::kProvisioning, clock_.Now()));
  return Ok();
}

Result<std::string> Gatekeeper::Operator(const http::Request& request) const {
  const auto secret = BearerToken(request);
  if (!secret) return Unauthenticated("this endpoint needs an 'Authorization: Bearer' API token");
  OTTER_ASSIGN(const TokenInfo token, TokenStore(database_).Find(*secret));
  return token.name;
}

http::Handler ForDevice(const Gatekeeper& gatekeeper, DeviceHandler handler) {
  return [&gatekeeper, handler = std::move(handler)](const http::Request& request) {
    auto device = gatekeeper.Device(request);
    if (!device.ok()) return ErrorResponse(device.error());
    return handler(request, *device);
  };
}

http::Handler ForOperator(const Gatekeeper& gatekeeper, OperatorHandler handler) {
  return [&gatekeeper, handler = std::move(handler)](const http::Request& request) {
    auto caller = gatekeeper.Operator(request);
    if (!caller.ok()) return ErrorResponse(caller.error());
    return handler(request);
  };
}

http::Handler ForDeviceOrOperator(const Gatekeeper& gatekeeper, OperatorHandler handler) {
  return [&gatekeeper, handler = std::move(handler)](const http::Request& request) {
    auto caller =
        request.client_certificate ? gatekeeper.Device(request) : gatekeeper.Operator(request);
    if (!caller.ok()) return ErrorResponse(caller.error());
    return handler(request);
  };
}

http::StreamOpener ForOperatorStream(const Gatekeeper& gatekeeper, http::StreamOpener opener) {
  return [&gatekeeper, opener = std::move(opener)](
             const http::Request& request) -> std::variant<http::BodyStream, http::Response> {
    auto caller = gatekeeper.Operator(request);
    if (!caller.ok()) return ErrorResponse(caller.error());
    return opener(request);
  };
}

}  // namespace otter::api
