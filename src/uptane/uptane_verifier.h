// Uptane full verification (Standard 2.1 §5.4.4.2) on a Primary: the Director
// repository, the Director-only checks, then the Image repository and the
// match between the two, all at one reference time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "uptane/metadata.h"
#include "uptane/repository.h"

namespace otter::uptane {

struct EcuIdentity {
  std::string serial;
  std::string hardware_id;
};

struct DeviceIdentity {
  std::string device_id;
  std::string primary_serial;
  std::vector<EcuIdentity> ecus;  // the primary included
};

// What an ECU runs now.
struct InstalledImage {
  std::string filepath;
  Hashes hashes;
  std::uint64_t release_counter = 0;
};

struct EcuUpdate {
  std::string ecu_serial;
  std::string hardware_id;
  TargetFile target;  // the Image repository's entry, equal to the Director's
};

struct VerifiedUpdates {
  std::string correlation_id;
  std::vector<EcuUpdate> updates;  // empty: nothing new
};

// The Director-only checks on verified Director targets: no delegations, each
// ECU at most once, every ECU known with its hardware id, and
// custom.deviceId equal to this device.
Status CheckDirectorTargets(const Targets& director_targets, const DeviceIdentity& device);

// The Director target for an ECU against the Image repository's entry of the
// same name: length, every hash (each of a kind this client can check),
// hardware id in hardwareIds, equal releaseCounter not below the installed one.
Status CheckImageMatch(const TargetFile& director_target, const TargetFile& image_target,
                       const std::string& hardware_id, const InstalledImage* installed);

class UptaneVerifier {
 public:
  UptaneVerifier(DeviceIdentity device, Repository& director, Repository& image)
      : device_(std::move(device)), director_(director), image_(image) {}

  // Updates for ECUs whose Director target differs from what `installed`
  // (by serial) says they run. The Image repository is only consulted when
  // there is something new.
  Result<VerifiedUpdates> Verify(TimePoint now,
                                 const std::map<std::string, InstalledImage>& installed);

 private:
  std::vector<std::pair<std::string, const TargetFile*>> NewTargets(
      const Targets& director_targets, const std::map<std::string, InstalledImage>& installed) const;

  DeviceIdentity device_;
  Repository& director_;
  Repository& image_;
};

}  // namespace otter::uptane
