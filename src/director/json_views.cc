#include "director/json_views.h"

#include "uptane/tuf_json.h"

namespace otter::director::internal {
namespace {

using nlohmann::json;

json TimeOrNull(const std::optional<TimePoint>& time) {
  return time ? json(FormatTime(*time)) : json();
}

json TargetJson(const uptane::TargetFile& target) {
  json entry = uptane::ToJson(target);
  entry["name"] = target.name;
  return entry;
}

}  // namespace

json ToJson(const Ecu& ecu) {
  json installed;
  if (ecu.installed) {
    installed = {{"filepath", ecu.installed->filepath},
                 {"length", ecu.installed->length},
                 {"sha256", ecu.installed->sha256}};
  }
  return {{"serial", ecu.serial},
          {"hardware_id", ecu.hardware_id},
          {"primary", ecu.primary},
          {"public_key", ecu.public_key},
          {"report_counter", ecu.report_counter ? json(*ecu.report_counter) : json()},
          {"installed", installed},
          {"updated_at", FormatTime(ecu.updated_at)}};
}

json ToJson(const Assignment& assignment) {
  json out = {{"correlation_id", assignment.correlation_id},
              {"device", assignment.device_id},
              {"ecu", assignment.ecu_serial},
              {"target", TargetJson(assignment.target)},
              {"status", AssignmentStatusName(assignment.status)},
              {"created_at", FormatTime(assignment.created_at)},
              {"closed_at", TimeOrNull(assignment.closed_at)},
              {"result", json()}};
  if (!assignment.open()) {
    out["result"] = {{"code", assignment.result_code},
                     {"description", assignment.result_description}};
  }
  return out;
}

json ToJson(const SkippedEcu& skipped) {
  return {{"device", skipped.device_id}, {"ecu", skipped.ecu_serial}, {"reason", skipped.reason}};
}

json ToJson(const DeviceStatus& status) {
  json out = {{"state", DeviceStateName(status.state)}};
  if (!status.reason.empty()) out["reason"] = status.reason;
  return out;
}

json ToJson(const DeviceSummary& summary) {
  return {{"id", summary.device_id},
          {"created_at", FormatTime(summary.created_at)},
          {"revoked", summary.revoked},
          {"last_seen", TimeOrNull(summary.last_seen)},
          {"status", ToJson(summary.status)}};
}

json ToJson(const DeviceDetails& details) {
  json out = ToJson(details.summary);
  out["ecus"] = ListJson(details.ecus);
  out["open_assignments"] = ListJson(details.open_assignments);
  out["data"] = json::object();
  for (const auto& [kind, value] : details.data) out["data"][kind] = value;
  out["last_manifest_at"] = TimeOrNull(details.last_manifest_at);
  return out;
}

json ToJson(const ReportRecord& report) {
  return {{"correlation_id", report.correlation_id},
          {"success", report.success},
          {"code", report.code},
          {"description", report.description},
          {"report", report.report},
          {"received_at", FormatTime(report.received_at)}};
}

json ToJson(const DeviceHistory& history) {
  return {{"assignments", ListJson(history.assignments)}, {"reports", ListJson(history.reports)}};
}

json ToJson(const EventRecord& event) {
  return {{"id", event.id},
          {"type", event.type},
          {"device_time", event.device_time},
          {"ecu", event.ecu_serial},
          {"correlation_id", event.correlation_id},
          {"event", event.event},
          {"received_at", FormatTime(event.received_at)}};
}

}  // namespace otter::director::internal
