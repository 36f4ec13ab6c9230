#include "director/device_records.h"

#include <soci/soci.h>

#include "common/canonical_json.h"
#include "common/hash.h"
#include "director/sql_util.h"

namespace otter::director::internal {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxEventsPerBatch = 1000;

// An optional string member: "" when absent; kMalformed when not a string.
Result<std::string> OptionalString(const json& object, const char* name) {
  if (!object.is_object() || !object.contains(name) || object[name].is_null()) return std::string();
  if (!object[name].is_string()) return Malformed(std::string("\"") + name + "\" is not a string");
  return object[name].get<std::string>();
}

Status CheckOptional(const std::string& value, const char* what, std::size_t max_length) {
  if (value.empty()) return Ok();
  return CheckIdentifier(value, what, max_length);
}

Result<ParsedEvent> ParseEvent(const json& event) {
  if (!event.is_object()) return Malformed("each event must be a JSON object");
  ParsedEvent parsed;
  EventRecord& record = parsed.record;
  OTTER_ASSIGN(record.id, OptionalString(event, "id"));
  OTTER_TRY(CheckIdentifier(record.id, "event id"));
  if (!event.contains("eventType") || !event["eventType"].is_object())
    return Malformed("event " + record.id + " has no eventType object");
  OTTER_ASSIGN(record.type, OptionalString(event["eventType"], "id"));
  OTTER_TRY(CheckIdentifier(record.type, "eventType.id"));
  OTTER_ASSIGN(record.device_time, OptionalString(event, "deviceTime"));
  OTTER_TRY(CheckOptional(record.device_time, "deviceTime", 64));
  const json payload = event.value("event", json::object());
  if (!payload.is_object()) return Malformed("event " + record.id + ": \"event\" is not an object");
  OTTER_ASSIGN(record.ecu_serial, OptionalString(payload, "ecu"));
  OTTER_TRY(CheckOptional(record.ecu_serial, "event.ecu", 128));
  OTTER_ASSIGN(record.correlation_id, OptionalString(payload, "correlationId"));
  OTTER_TRY(CheckOptional(record.correlation_id, "event.correlationId", 128));
  record.event = event;
  parsed.body = JsonText(event);
  return parsed;
}

Result<std::string> JsonOf(std::string_view body, bool want_object) {
  json value = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Malformed("the body is not valid JSON");
  if (want_object && !value.is_object()) return Malformed("the body must be a JSON object");
  if (!want_object && !value.is_array()) return Malformed("the body must be a JSON array");
  return JsonText(value);
}

}  // namespace

Result<std::vector<ParsedEvent>> ParseEvents(const json& events) {
  if (!events.is_array()) return Malformed("events must be a JSON array");
  if (events.size() > kMaxEventsPerBatch)
    return Malformed("at most " + std::to_string(kMaxEventsPerBatch) + " events per request");
  std::vector<ParsedEvent> parsed;
  for (const json& event : events) {
    OTTER_ASSIGN(ParsedEvent one, ParseEvent(event));
    parsed.push_back(std::move(one));
  }
  return parsed;
}

Result<bool> InsertEvent(soci::session& sql, const std::string& device_id, const ParsedEvent& event,
                         TimePoint now) {
  const EventRecord& record = event.record;
  const long long received_at = Seconds(now);
  soci::statement insert =
      (sql.prepare << "INSERT INTO director_events (device_id, event_id, event_type,"
                      " device_time, ecu_serial, correlation_id, body, received_at) VALUES"
                      " (:device_id, :event_id, :event_type, :device_time, :ecu_serial,"
                      " :correlation_id, :body, :received_at)"
                      " ON CONFLICT (device_id, event_id) DO NOTHING",
       soci::use(device_id), soci::use(record.id), soci::use(record.type),
       soci::use(record.device_time), soci::use(record.ecu_serial),
       soci::use(record.correlation_id), soci::use(event.body), soci::use(received_at));
  insert.execute(true);
  return insert.get_affected_rows() > 0;
}

Result<std::vector<EventRecord>> LoadEvents(soci::session& sql, const std::string& device_id,
                                            std::size_t limit) {
  std::vector<EventRecord> events;
  EventRecord record;
  std::string body;
  long long received_at = 0;
  const long long max_rows = static_cast<long long>(limit);
  soci::statement select =
      (sql.prepare << "SELECT event_id, event_type, device_time, ecu_serial, correlation_id,"
                      " body, received_at FROM director_events WHERE device_id = :device_id"
                      " ORDER BY received_at DESC, device_time DESC, event_id LIMIT :max_rows",
       soci::into(record.id), soci::into(record.type), soci::into(record.device_time),
       soci::into(record.ecu_serial), soci::into(record.correlation_id), soci::into(body),
       soci::into(received_at), soci::use(device_id), soci::use(max_rows));
  select.execute();
  while (select.fetch()) {
    record.event = ParseJsonText(body);
    record.received_at = FromSeconds(received_at);
    events.push_back(record);
  }
  return events;
}

Result<std::string> CheckDeviceData(DeviceDataKind kind, std::string_view body) {
  switch (kind) {
    case DeviceDataKind::kSystemInfo:
    case DeviceDataKind::kNetwork:
      return JsonOf(body, /*want_object=*/true);
    case DeviceDataKind::kInstalledPackages:
      return JsonOf(body, /*want_object=*/false);
    case DeviceDataKind::kConfig:
      if (!IsStorableText(body)) return Malformed("the config must be UTF-8 text");
      return std::string(body);
  }
  return Malformed("unknown kind of device data");
}

Status UpsertDeviceData(soci::session& sql, const std::string& device_id, std::string_view kind,
                        const std::string& body, TimePoint now) {
  const std::string kind_name(kind);
  const long long updated_at = Seconds(now);
  sql << "INSERT INTO director_device_data (device_id, kind, body, updated_at)"
         " VALUES (:device_id, :kind, :body, :updated_at) ON CONFLICT (device_id, kind)"
         " DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
      soci::use(device_id), soci::use(kind_name), soci::use(body), soci::use(updated_at);
  return Ok();
}

Result<std::vector<StoredData>> LoadDeviceData(soci::session& sql, const std::string& device_id) {
  std::vector<StoredData> data;
  StoredData row;
  long long updated_at = 0;
  soci::statement select =
      (sql.prepare << "SELECT kind, body, updated_at FROM director_device_data"
                      " WHERE device_id = :device_id ORDER BY kind",
       soci::into(row.kind), soci::into(row.body), soci::into(updated_at), soci::use(device_id));
  select.execute();
  while (select.fetch()) {
    row.updated_at = FromSeconds(updated_at);
    data.push_back(row);
  }
  return data;
}

Status InsertReport(soci::session& sql, const std::string& device_id,
                    const uptane::InstallationReport& report, TimePoint now) {
  const json value = uptane::ToJson(report);
  OTTER_ASSIGN(const std::string canonical, CanonicalJson(value));
  const std::string id = Sha256Hex(device_id + "\n" + canonical);
  const std::string body = JsonText(value);
  const int success = report.result.success ? 1 : 0;
  const long long received_at = Seconds(now);
  sql << "INSERT INTO director_reports (id, device_id, correlation_id, success, result_code,"
         " result_description, body, received_at) VALUES (:id, :device_id, :correlation_id,"
         " :success, :code, :description, :body, :received_at) ON CONFLICT (id) DO NOTHING",
      soci::use(id), soci::use(device_id), soci::use(report.correlation_id), soci::use(success),
      soci::use(report.result.code), soci::use(report.result.description), soci::use(body),
      soci::use(received_at);
  return Ok();
}

Result<std::vector<ReportRecord>> LoadReports(soci::session& sql, const std::string& device_id) {
  std::vector<ReportRecord> reports;
  ReportRecord record;
  int success = 0;
  std::string body;
  long long received_at = 0;
  soci::statement select =
      (sql.prepare << "SELECT correlation_id, success, result_code, result_description, body,"
                      " received_at FROM director_reports WHERE device_id = :device_id"
                      " ORDER BY received_at DESC, id",
       soci::into(record.correlation_id), soci::into(success), soci::into(record.code),
       soci::into(record.description), soci::into(body), soci::into(received_at),
       soci::use(device_id));
  select.execute();
  while (select.fetch()) {
    record.success = success != 0;
    record.report = ParseJsonText(body);
    record.received_at = FromSeconds(received_at);
    reports.push_back(record);
  }
  return reports;
}

Result<std::optional<TimePoint>> LastSeen(soci::session& sql, const std::string& device_id) {
  long long last_seen = 0;
  sql << "SELECT last_seen FROM director_device_seen WHERE device_id = :device_id",
      soci::use(device_id), soci::into(last_seen);
  if (!sql.got_data()) return std::optional<TimePoint>();
  return std::optional<TimePoint>(FromSeconds(last_seen));
}

Status SetLastSeen(soci::session& sql, const std::string& device_id, TimePoint now) {
  const long long last_seen = Seconds(now);
  sql << "INSERT INTO director_device_seen (device_id, last_seen) VALUES (:device_id, :last_seen)"
         " ON CONFLICT (device_id) DO UPDATE SET last_seen = excluded.last_seen",
      soci::use(device_id), soci::use(last_seen);
  return Ok();
}

Result<std::optional<DeviceRow>> FindDevice(soci::session& sql, const std::string& device_id) {
  DeviceRow row{.id = device_id};
  long long created_at = 0;
  int revoked = 0;
  sql << "SELECT created_at, revoked FROM devices WHERE id = :id", soci::use(device_id),
      soci::into(created_at), soci::into(revoked);
  if (!sql.got_data()) return std::optional<DeviceRow>();
  row.created_at = FromSeconds(created_at);
  row.revoked = revoked != 0;
  return std::optional<DeviceRow>(row);
}

Result<std::vector<DeviceRow>> ListDeviceRows(soci::session& sql, std::size_t offset,
                                              std::size_t limit) {
  std::vector<DeviceRow> rows;
  DeviceRow row;
  long long created_at = 0;
  int revoked = 0;
  const long long skip = static_cast<long long>(offset);
  const long long max_rows = static_cast<long long>(limit);
  soci::statement select = (sql.prepare << "SELECT id, created_at, revoked FROM devices ORDER BY id"
                                           " LIMIT :max_rows OFFSET :skip",
                            soci::into(row.id), soci::into(created_at), soci::into(revoked),
                            soci::use(max_rows), soci::use(skip));
  select.execute();
  while (select.fetch()) {
    row.created_at = FromSeconds(created_at);
    row.revoked = revoked != 0;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace otter::director::internal

namespace otter::director {

std::string_view DeviceDataKindName(DeviceDataKind kind) {
  switch (kind) {
    case DeviceDataKind::kSystemInfo:
      return "system_info";
    case DeviceDataKind::kNetwork:
      return "network";
    case DeviceDataKind::kConfig:
      return "config";
    case DeviceDataKind::kInstalledPackages:
      return "installed_packages";
  }
  return "system_info";
}

}  // namespace otter::director
