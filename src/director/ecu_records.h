// ECU registration and the director_ecus table. Internal.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "director/director.h"
#include "uptane/manifest.h"

namespace soci {
class session;
}

namespace otter::director::internal {

struct EcuRegistration {
  std::string serial;
  std::string hardware_id;
  nlohmann::json public_key;  // normalised TUF key object
  bool primary = false;
};

// The body of POST /director/ecus, checked: kMalformed.
Result<std::vector<EcuRegistration>> ParseRegistration(const nlohmann::json& registration);

// The device's ECUs, the primary first.
Result<std::vector<Ecu>> LoadEcus(soci::session& sql, const std::string& device_id);
const Ecu* FindEcu(const std::vector<Ecu>& ecus, const std::string& serial);
const Ecu* PrimaryEcu(const std::vector<Ecu>& ecus);
// The device that registered `serial`, if any.
Result<std::optional<std::string>> EcuOwner(soci::session& sql, const std::string& serial);

// Replaces the device's ECUs with `ecus`; false when nothing changed.
// Open assignments of ECUs that are gone or changed hardware are cancelled.
Result<bool> ApplyRegistration(soci::session& sql, const std::string& device_id,
                               const std::vector<EcuRegistration>& ecus, TimePoint now);

// After an accepted manifest: the ECU's counter and installed image.
Status RecordEcuReport(soci::session& sql, const uptane::EcuVersionReport& report, TimePoint now);

struct HardwareEcu {
  std::string device_id;
  bool revoked = false;
  std::string serial;
};
// Every ECU of `hardware_id`, by device then serial.
Result<std::vector<HardwareEcu>> EcusWithHardware(soci::session& sql,
                                                  const std::string& hardware_id);

}  // namespace otter::director::internal
