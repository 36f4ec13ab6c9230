#include "support/director_simulator.h"

#include <utility>

#include "support/must.h"
#include "uptane/tuf_json.h"

namespace otter::testing {
namespace {

using nlohmann::json;

constexpr const char* kCopiedImageFields[] = {"hardwareIds", "releaseCounter", "targetFormat",
                                              "uri"};

json CopiedImageCustom(const uptane::TargetFile& image) {
  json image_custom = uptane::ToJson(image).value("custom", json::object());
  json custom = json::object();
  for (const char* field : kCopiedImageFields) {
    if (image_custom.contains(field)) custom[field] = image_custom[field];
  }
  return custom;
}

}  // namespace

SimulatedDirector::SimulatedDirector(std::string device_id, KeyType key_type, TimePoint start)
    : SimulatedDirector(std::move(device_id),
                        SimulatedRepositoryOptions{.key_type = key_type, .start = start}) {}

SimulatedDirector::SimulatedDirector(std::string device_id, SimulatedRepositoryOptions options)
    : SimulatedRepository(std::move(options)) {
  targets().custom = {{"deviceId", std::move(device_id)}, {"correlationId", "correlation-1"}};
  SignInitialCustom();
}

// Version 1 of targets, snapshot and timestamp, now with the custom fields.
void SimulatedDirector::SignInitialCustom() {
  for (const char* role : {"targets", "snapshot", "timestamp"}) Sign(role);
}

uptane::TargetFile& SimulatedDirector::Assign(const std::string& ecu_serial,
                                              const std::string& hardware_id,
                                              const uptane::TargetFile& image) {
  auto& listed = targets().targets;
  json entry = uptane::ToJson(image);
  entry["custom"] = CopiedImageCustom(image);
  auto previous = listed.find(image.name);
  if (previous != listed.end()) {
    entry["custom"]["ecuIdentifiers"] =
        uptane::ToJson(previous->second).value("custom", json::object())["ecuIdentifiers"];
  }
  entry["custom"]["ecuIdentifiers"][ecu_serial] = {{"hardwareId", hardware_id}};
  listed.insert_or_assign(image.name, Must(uptane::ParseTargetFile(image.name, entry),
                                           "director target " + image.name));
  return listed.at(image.name);
}

void SimulatedDirector::ClearAssignments() { targets().targets.clear(); }

void SimulatedDirector::SetDeviceId(const std::string& device_id) {
  targets().custom["deviceId"] = device_id;
}

void SimulatedDirector::SetCorrelationId(const std::string& correlation_id) {
  targets().custom["correlationId"] = correlation_id;
}

}  // namespace otter::testing
