// Events and device data from devices; status, listings and history for
// operators.
#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "director/assignment_records.h"
#include "director/device_records.h"
#include "director/director.h"
#include "director/ecu_records.h"
#include "director/sql_util.h"
#include "storage/database.h"

namespace otter::director {
namespace {

using namespace internal;  // NOLINT: the module's own records

constexpr std::size_t kMaxListed = 1000;

std::size_t Clamp(std::size_t limit) { return std::clamp<std::size_t>(limit, 1, kMaxListed); }

Result<DeviceRow> ExistingDevice(soci::session& sql, const std::string& device_id) {
  OTTER_ASSIGN(auto device, FindDevice(sql, device_id));
  if (!device) return MakeError(DirectorErrc::kDeviceNotFound, "no device " + device_id);
  return std::move(*device);
}

Result<DeviceStatus> StatusFor(soci::session& sql, const std::string& device_id) {
  OTTER_ASSIGN(const auto last_seen, LastSeen(sql, device_id));
  if (!last_seen) return DeviceStatus{DeviceState::kNotSeen, ""};
  OTTER_ASSIGN(const auto open, OpenAssignments(sql, device_id));
  if (!open.empty()) return DeviceStatus{DeviceState::kUpdatePending, ""};
  OTTER_ASSIGN(const auto finished, LastFinishedAssignment(sql, device_id));
  if (finished && finished->status == AssignmentStatus::kFailed) {
    std::string reason = finished->result_code;
    if (!finished->result_description.empty()) reason += ": " + finished->result_description;
    return DeviceStatus{DeviceState::kUpdateFailed, reason};
  }
  return DeviceStatus{DeviceState::kUpToDate, ""};
}

Result<DeviceSummary> SummaryOf(soci::session& sql, const DeviceRow& device) {
  DeviceSummary summary{
      .device_id = device.id, .created_at = device.created_at, .revoked = device.revoked};
  OTTER_ASSIGN(summary.last_seen, LastSeen(sql, device.id));
  OTTER_ASSIGN(summary.status, StatusFor(sql, device.id));
  return summary;
}

void AddData(DeviceDetails& details, const std::vector<StoredData>& data) {
  for (const StoredData& item : data) {
    if (item.kind == "manifest") {
      details.last_manifest_at = item.updated_at;
    } else if (item.kind == "config") {
      details.data[item.kind] = item.body;
    } else {
      details.data[item.kind] = ParseJsonText(item.body);
    }
  }
}

}  // namespace

std::string_view DeviceStateName(DeviceState state) {
  switch (state) {
    case DeviceState::kNotSeen:
      return "not_seen";
    case DeviceState::kUpToDate:
      return "up_to_date";
    case DeviceState::kUpdatePending:
      return "update_pending";
    case DeviceState::kUpdateFailed:
      return "update_failed";
  }
  return "not_seen";
}

Result<std::size_t> Director::StoreEvents(std::string_view device_id,
                                          const nlohmann::json& events) {
  OTTER_ASSIGN(const auto parsed, ParseEvents(events));
  const std::string device(device_id);
  const TimePoint now = clock_.Now();
  return database_.WithTransaction([&](soci::session& sql) -> Result<std::size_t> {
    std::size_t added = 0;
    std::set<std::string> correlation_ids;
    for (const ParsedEvent& event : parsed) {
      OTTER_ASSIGN(const bool is_new, InsertEvent(sql, device, event, now));
      if (!is_new) continue;
      ++added;
      if (!event.record.correlation_id.empty()) correlation_ids.insert(event.record.correlation_id);
    }
    for (const std::string& id : correlation_ids) OTTER_TRY(MarkInFlight(sql, device, id));
    OTTER_TRY(SetLastSeen(sql, device, now));
    return added;
  });
}

Status Director::StoreDeviceData(std::string_view device_id, DeviceDataKind kind,
                                 std::string_view body) {
  OTTER_ASSIGN(const std::string stored, CheckDeviceData(kind, body));
  const std::string device(device_id);
  const TimePoint now = clock_.Now();
  return database_.WithTransaction([&](soci::session& sql) -> Status {
    OTTER_TRY(UpsertDeviceData(sql, device, DeviceDataKindName(kind), stored, now));
    return SetLastSeen(sql, device, now);
  });
}

Result<DeviceStatus> Director::StatusOf(std::string_view device_id) {
  const std::string device(device_id);
  return database_.WithReadTransaction([&](soci::session& sql) -> Result<DeviceStatus> {
    OTTER_TRY(ExistingDevice(sql, device));
    return StatusFor(sql, device);
  });
}

Result<std::vector<DeviceSummary>> Director::ListDevices(const ListOptions& options) {
  return database_.WithReadTransaction(
      [&](soci::session& sql) -> Result<std::vector<DeviceSummary>> {
        OTTER_ASSIGN(const auto rows, ListDeviceRows(sql, options.offset, Clamp(options.limit)));
        std::vector<DeviceSummary> devices;
        for (const DeviceRow& row : rows) {
          OTTER_ASSIGN(DeviceSummary summary, SummaryOf(sql, row));
          devices.push_back(std::move(summary));
        }
        return devices;
      });
}

Result<DeviceDetails> Director::ShowDevice(std::string_view device_id) {
  const std::string device(device_id);
  return database_.WithReadTransaction([&](soci::session& sql) -> Result<DeviceDetails> {
    OTTER_ASSIGN(const DeviceRow row, ExistingDevice(sql, device));
    DeviceDetails details;
    OTTER_ASSIGN(details.summary, SummaryOf(sql, row));
    OTTER_ASSIGN(details.ecus, LoadEcus(sql, device));
    OTTER_ASSIGN(details.open_assignments, OpenAssignments(sql, device));
    OTTER_ASSIGN(const auto data, LoadDeviceData(sql, device));
    AddData(details, data);
    return details;
  });
}

Result<DeviceHistory> Director::History(std::string_view device_id) {
  const std::string device(device_id);
  return database_.WithReadTransaction([&](soci::session& sql) -> Result<DeviceHistory> {
    OTTER_TRY(ExistingDevice(sql, device));
    DeviceHistory history;
    OTTER_ASSIGN(history.assignments, DeviceAssignments(sql, device));
    OTTER_ASSIGN(history.reports, LoadReports(sql, device));
    return history;
  });
}

Result<std::vector<EventRecord>> Director::Events(std::string_view device_id, std::size_t limit) {
  const std::string device(device_id);
  return database_.WithReadTransaction([&](soci::session& sql) -> Result<std::vector<EventRecord>> {
    OTTER_TRY(ExistingDevice(sql, device));
    return LoadEvents(sql, device, Clamp(limit));
  });
}

}  // namespace otter::director
