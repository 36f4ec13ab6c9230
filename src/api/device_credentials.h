// Which client certificate each device holds. The device gateway accepts a
// device certificate only when its serial is the one recorded here and the
// device is not revoked.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"

namespace otter::storage {
class Database;
}

namespace otter::api {

struct DeviceCredential {
  std::string device_id;
  std::string certificate_serial;  // lowercase hex, as ClientCertificate::serial_hex
  bool revoked = false;
  TimePoint created_at;
};

class DeviceCredentials {
 public:
  explicit DeviceCredentials(storage::Database& database) : database_(database) {}

  // Records a new device: StorageErrc::kConflict when the id is taken.
  Status Register(std::string_view device_id, std::string_view certificate_serial, TimePoint now);
  Result<DeviceCredential> Find(std::string_view device_id) const;
  // A new certificate for an existing device (the old one stops working).
  Status ReplaceCertificate(std::string_view device_id, std::string_view certificate_serial);
  Status Revoke(std::string_view device_id);

 private:
  storage::Database& database_;
};

// A device id: 1 to 64 characters of [A-Za-z0-9._-], not starting with '.'
// or '-'. kInvalidArgument otherwise.
Status ValidateDeviceId(std::string_view device_id);

}  // namespace otter::api
