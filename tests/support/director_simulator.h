// The Uptane Director as a SimulatedRepository: top-level targets carry
// `custom.deviceId` and `custom.correlationId`, and each target names the
// ECUs it is for in `custom.ecuIdentifiers`.
//
//   SimulatedDirector director("vin-1");
//   director.Assign("ecu-1", "hw-a", image.AddTarget("fw.bin", "firmware",
//                                                    {{"hardwareIds", {"hw-a"}}}));
//   director.Publish();
#pragma once

#include <string>

#include "support/repository_simulator.h"

namespace otter::testing {

class SimulatedDirector : public SimulatedRepository {
 public:
  explicit SimulatedDirector(std::string device_id, KeyType key_type = KeyType::kEd25519,
                             TimePoint start = SimulatedRepositoryOptions().start);
  SimulatedDirector(std::string device_id, SimulatedRepositoryOptions options);

  // Lists `image` (an Image repository entry: name, length, hashes,
  // hardwareIds, releaseCounter, targetFormat, uri) for the ECU. Assigning
  // a second ECU to the same name adds it to that target's ecuIdentifiers.
  // Targets still have to be published.
  uptane::TargetFile& Assign(const std::string& ecu_serial, const std::string& hardware_id,
                             const uptane::TargetFile& image);
  void ClearAssignments();

  void SetDeviceId(const std::string& device_id);
  void SetCorrelationId(const std::string& correlation_id);

 private:
  void SignInitialCustom();
};

}  // namespace otter::testing
