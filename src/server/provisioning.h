// Device credentials: per-device client certificates issued by the server
// CA, either to a device that presents the fleet provisioning certificate
// (POST /devices) or to an operator who flashes them at the factory.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "common/crypto.h"
#include "common/result.h"
#include "common/time.h"
#include "http_server/router.h"
#include "x509/x509.h"

namespace otter::storage {
class Database;
}
namespace otter::api {
class Gatekeeper;
}

namespace otter::server {

struct IssuedCredential {
  std::string common_name;  // the device id, or the fleet credential's name
  x509::Certificate certificate;
  PrivateKey key;
  std::string ca_pem;
};

// The latest root.json of each repository, for the bundles devices start from.
struct InitialRoots {
  std::function<Result<std::string>()> image;
  std::function<Result<std::string>()> director;
};

class Provisioning {
 public:
  Provisioning(storage::Database& database, const x509::CertificateAuthority& ca,
               const Clock& clock, std::chrono::hours max_lifetime)
      : database_(database), ca_(ca), clock_(clock), max_lifetime_(max_lifetime) {}

  // Registers `device_id` and issues its certificate; StorageErrc::kConflict
  // when the id is taken. `lifetime` is capped at the configured maximum.
  Result<IssuedCredential> CreateDevice(std::string_view device_id,
                                        std::optional<std::chrono::hours> lifetime) const;
  // The fleet-wide certificate that may only call POST /devices.
  Result<IssuedCredential> CreateFleetCredential(std::string_view name,
                                                 std::chrono::hours lifetime) const;

 private:
  Result<IssuedCredential> Issue(std::string_view name, x509::Role role,
                                 std::chrono::hours lifetime) const;

  storage::Database& database_;
  const x509::CertificateAuthority& ca_;
  const Clock& clock_;
  std::chrono::hours max_lifetime_;
};

// POST /devices (provisioning certificate), and for operators
// POST /api/v1/devices and POST /api/v1/fleet/credentials. docs/api/provisioning.md.
void AddProvisioningRoutes(http::Router& router, const Provisioning& provisioning,
                           const api::Gatekeeper& gatekeeper, InitialRoots roots,
                           std::string gateway_url);

}  // namespace otter::server
