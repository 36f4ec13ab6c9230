// What devices send besides manifests (events, device data), installation
// reports, and when each device was last seen. Internal.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "director/director.h"
#include "uptane/manifest.h"

namespace soci {
class session;
}

namespace otter::director::internal {

struct ParsedEvent {
  EventRecord record;
  std::string body;  // the event as JSON text
};
// A JSON array of events, checked: kMalformed.
Result<std::vector<ParsedEvent>> ParseEvents(const nlohmann::json& events);
// Stores each event unless its id is already stored; true when it was new.
Result<bool> InsertEvent(soci::session& sql, const std::string& device_id, const ParsedEvent& event,
                         TimePoint now);
Result<std::vector<EventRecord>> LoadEvents(soci::session& sql, const std::string& device_id,
                                            std::size_t limit);

// The text to store for a kind of device data: kMalformed when it does not fit.
Result<std::string> CheckDeviceData(DeviceDataKind kind, std::string_view body);
// kind: a DeviceDataKindName or "manifest".
Status UpsertDeviceData(soci::session& sql, const std::string& device_id, std::string_view kind,
                        const std::string& body, TimePoint now);
struct StoredData {
  std::string kind;
  std::string body;
  TimePoint updated_at{};
};
Result<std::vector<StoredData>> LoadDeviceData(soci::session& sql, const std::string& device_id);

// Stored once per (device, report).
Status InsertReport(soci::session& sql, const std::string& device_id,
                    const uptane::InstallationReport& report, TimePoint now);
Result<std::vector<ReportRecord>> LoadReports(soci::session& sql, const std::string& device_id);

Result<std::optional<TimePoint>> LastSeen(soci::session& sql, const std::string& device_id);
Status SetLastSeen(soci::session& sql, const std::string& device_id, TimePoint now);

struct DeviceRow {
  std::string id;
  TimePoint created_at{};
  bool revoked = false;
};
Result<std::optional<DeviceRow>> FindDevice(soci::session& sql, const std::string& device_id);
Result<std::vector<DeviceRow>> ListDeviceRows(soci::session& sql, std::size_t offset,
                                              std::size_t limit);

}  // namespace otter::director::internal
