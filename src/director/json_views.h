// The admin API's JSON for the Director's records (docs/api/director.md).
// Internal.
#pragma once

#include <nlohmann/json.hpp>

#include "director/director.h"

namespace otter::director::internal {

nlohmann::json ToJson(const Ecu& ecu);
nlohmann::json ToJson(const Assignment& assignment);
nlohmann::json ToJson(const SkippedEcu& skipped);
nlohmann::json ToJson(const DeviceStatus& status);
nlohmann::json ToJson(const DeviceSummary& summary);
nlohmann::json ToJson(const DeviceDetails& details);
nlohmann::json ToJson(const DeviceHistory& history);
nlohmann::json ToJson(const ReportRecord& report);
nlohmann::json ToJson(const EventRecord& event);

template <typename T>
nlohmann::json ListJson(const std::vector<T>& items) {
  nlohmann::json list = nlohmann::json::array();
  for (const T& item : items) list.push_back(ToJson(item));
  return list;
}

}  // namespace otter::director::internal
