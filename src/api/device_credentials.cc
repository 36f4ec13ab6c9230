#include "api/device_credentials.h"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>

#include "common/errors.h"
#include "storage/database.h"

namespace otter::api {
namespace {

constexpr std::size_t kMaxDeviceIdLength = 64;

bool IsDeviceIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

}  // namespace

Status ValidateDeviceId(std::string_view device_id) {
  const bool valid = !device_id.empty() && device_id.size() <= kMaxDeviceIdLength &&
                     device_id.front() != '.' && device_id.front() != '-' &&
                     std::all_of(device_id.begin(), device_id.end(), IsDeviceIdChar);
  if (valid) return Ok();
  return MakeError(CommonErrc::kInvalidArgument,
                   "invalid device id: use 1 to 64 characters of A-Z a-z 0-9 . _ -, "
                   "not starting with . or -");
}

Status DeviceCredentials::Register(std::string_view device_id, std::string_view certificate_serial,
                                   TimePoint now) {
  OTTER_TRY(ValidateDeviceId(device_id));
  return database_.WithSession([&](soci::session& sql) -> Status {
    const std::string id(device_id);
    const std::string serial(certificate_serial);
    const long long created_at = now.time_since_epoch().count();
    sql << "INSERT INTO devices (id, certificate_serial, revoked, created_at)"
           " VALUES (:id, :serial, 0, :created_at)",
        soci::use(id), soci::use(serial), soci::use(created_at);
    return Ok();
  });
}

Result<DeviceCredential> DeviceCredentials::Find(std::string_view device_id) const {
  return database_.WithSession([&](soci::session& sql) -> Result<DeviceCredential> {
    const std::string id(device_id);
    DeviceCredential credential;
    int revoked = 0;
    long long created_at = 0;
    sql << "SELECT certificate_serial, revoked, created_at FROM devices WHERE id = :id",
        soci::use(id), soci::into(credential.certificate_serial), soci::into(revoked),
        soci::into(created_at);
    if (!sql.got_data()) return storage::NotFound("device " + id);
    credential.device_id = id;
    credential.revoked = revoked != 0;
    credential.created_at = TimePoint(std::chrono::seconds(created_at));
    return credential;
  });
}

Status DeviceCredentials::ReplaceCertificate(std::string_view device_id,
                                             std::string_view certificate_serial) {
  return database_.WithSession([&](soci::session& sql) -> Status {
    const std::string id(device_id);
    const std::string serial(certificate_serial);
    soci::statement update =
        (sql.prepare << "UPDATE devices SET certificate_serial = :serial WHERE id = :id",
         soci::use(serial), soci::use(id));
    update.execute(true);
    if (update.get_affected_rows() == 0) return storage::NotFound("device " + id);
    return Ok();
  });
}

Status DeviceCredentials::Revoke(std::string_view device_id) {
  return database_.WithSession([&](soci::session& sql) -> Status {
    const std::string id(device_id);
    soci::statement update =
        (sql.prepare << "UPDATE devices SET revoked = 1 WHERE id = :id", soci::use(id));
    update.execute(true);
    if (update.get_affected_rows() == 0) return storage::NotFound("device " + id);
    return Ok();
  });
}

}  // namespace otter::api
