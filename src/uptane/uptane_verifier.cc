#include "uptane/uptane_verifier.h"

#include <algorithm>
#include <set>

#include "uptane/errors.h"
#include "uptane/image_verifier.h"

namespace otter::uptane {
namespace {

const EcuIdentity* FindEcu(const DeviceIdentity& device, const std::string& serial) {
  auto it = std::find_if(device.ecus.begin(), device.ecus.end(),
                         [&](const EcuIdentity& ecu) { return ecu.serial == serial; });
  return it == device.ecus.end() ? nullptr : &*it;
}

std::string StringOr(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status CheckTargetEcus(const TargetFile& target, const DeviceIdentity& device,
                       std::set<std::string>& seen) {
  if (target.custom.ecu_hardware_ids.empty())
    return MakeError(UptaneErrc::kDirectorSanity, target.name + " names no ECU");
  for (const auto& [serial, hardware_id] : target.custom.ecu_hardware_ids) {
    if (!seen.insert(serial).second)
      return MakeError(UptaneErrc::kDirectorSanity, "ECU " + serial + " is listed twice");
    const EcuIdentity* ecu = FindEcu(device, serial);
    if (!ecu) return MakeError(UptaneErrc::kUnknownEcu, "ECU " + serial + " is not on this device");
    if (ecu->hardware_id != hardware_id)
      return MakeError(UptaneErrc::kBadHardwareId, target.name + " is for hardware " + hardware_id +
                                                       ", ECU " + serial + " is " + ecu->hardware_id);
  }
  return Ok();
}

bool Runs(const InstalledImage& installed, const TargetFile& target) {
  if (installed.filepath != target.name) return false;
  auto sha256 = target.hashes.find("sha256");
  auto installed_sha256 = installed.hashes.find("sha256");
  return sha256 != target.hashes.end() && installed_sha256 != installed.hashes.end() &&
         sha256->second == installed_sha256->second;
}

Status CheckSameHashes(const TargetFile& director, const TargetFile& image) {
  if (director.hashes.empty())
    return MakeError(UptaneErrc::kTargetMismatch, director.name + ": Director lists no hashes");
  for (const auto& [algorithm, digest] : director.hashes) {
    auto it = image.hashes.find(algorithm);
    if (it == image.hashes.end() || it->second != digest)
      return MakeError(UptaneErrc::kTargetMismatch, director.name + ": " + algorithm + " differs");
  }
  return Ok();
}

}  // namespace

Status CheckDirectorTargets(const Targets& director_targets, const DeviceIdentity& device) {
  if (director_targets.delegations)
    return MakeError(UptaneErrc::kDirectorSanity, "Director targets must not delegate");
  const std::string device_id = StringOr(director_targets.custom, "deviceId");
  if (device_id != device.device_id)
    return MakeError(UptaneErrc::kWrongDevice, "Director targets are for device \"" + device_id +
                                                   "\", this is \"" + device.device_id + "\"");
  std::set<std::string> seen;
  for (const auto& [name, target] : director_targets.targets) {
    OTTER_TRY(CheckTargetEcus(target, device, seen));
  }
  return Ok();
}

Status CheckImageMatch(const TargetFile& director_target, const TargetFile& image_target,
                       const std::string& hardware_id, const InstalledImage* installed) {
  const std::string& name = director_target.name;
  if (director_target.length != image_target.length)
    return MakeError(UptaneErrc::kTargetMismatch, name + ": length differs");
  OTTER_TRY(CheckSameHashes(director_target, image_target));
  OTTER_TRY(ImageVerifier::Create(image_target));  // every hash must be checkable
  const auto& hardware_ids = image_target.custom.hardware_ids;
  if (std::find(hardware_ids.begin(), hardware_ids.end(), hardware_id) == hardware_ids.end())
    return MakeError(UptaneErrc::kTargetMismatch,
                     name + ": the Image repository does not list hardware " + hardware_id);
  const std::uint64_t release = image_target.custom.release_counter.value_or(0);
  if (director_target.custom.release_counter.value_or(0) != release)
    return MakeError(UptaneErrc::kTargetMismatch, name + ": releaseCounter differs");
  if (installed && release < installed->release_counter)
    return MakeError(UptaneErrc::kRollback, name + ": releaseCounter " + std::to_string(release) +
                                                " is below the installed " +
                                                std::to_string(installed->release_counter));
  return Ok();
}

std::vector<std::pair<std::string, const TargetFile*>> UptaneVerifier::NewTargets(
    const Targets& director_targets, const std::map<std::string, InstalledImage>& installed) const {
  std::vector<std::pair<std::string, const TargetFile*>> fresh;
  for (const auto& [name, target] : director_targets.targets) {
    for (const auto& [serial, hardware_id] : target.custom.ecu_hardware_ids) {
      auto current = installed.find(serial);
      if (current == installed.end() || !Runs(current->second, target))
        fresh.emplace_back(serial, &target);
    }
  }
  return fresh;
}

Result<VerifiedUpdates> UptaneVerifier::Verify(TimePoint now,
                                               const std::map<std::string, InstalledImage>& installed) {
  OTTER_TRY(director_.Refresh(now, [this](const Targets& targets) {
    return CheckDirectorTargets(targets, device_);
  }));
  const Targets& director_targets = director_.targets();
  VerifiedUpdates result;
  result.correlation_id = StringOr(director_targets.custom, "correlationId");
  const auto fresh = NewTargets(director_targets, installed);
  if (fresh.empty()) return result;
  OTTER_TRY(image_.Refresh(now));
  for (const auto& [serial, director_target] : fresh) {
    const std::string& hardware_id = director_target->custom.ecu_hardware_ids.at(serial);
    auto image_target = image_.FindTarget(director_target->name, now, hardware_id);
    if (!image_target && image_target.error().Is(UptaneErrc::kTargetNotFound))
      return MakeError(UptaneErrc::kTargetMismatch,
                       director_target->name + " is not in the Image repository");
    if (!image_target) return std::move(image_target).error();
    auto current = installed.find(serial);
    OTTER_TRY(CheckImageMatch(*director_target, *image_target, hardware_id,
                              current == installed.end() ? nullptr : &current->second));
    result.updates.push_back({serial, hardware_id, std::move(image_target).value()});
  }
  return result;
}

}  // namespace otter::uptane
