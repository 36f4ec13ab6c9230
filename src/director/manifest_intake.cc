// PUT /director/manifest: check a device manifest against the registered
// ECUs, then record what the ECUs run and close the assignments it settles.
#include <soci/soci.h>

#include "director/assignment_records.h"
#include "director/device_records.h"
#include "director/director.h"
#include "director/ecu_records.h"
#include "director/sql_util.h"
#include "storage/database.h"
#include "uptane/errors.h"
#include "uptane/manifest.h"

namespace otter::director {
namespace {

using namespace internal;  // NOLINT: the module's own records
using uptane::ParsedDeviceManifest;

// Always an error: kUnknownEcu, or kForeignEcu when another device
// registered the serial.
Status RefuseEcu(soci::session& sql, const std::string& serial, const std::string& what) {
  OTTER_ASSIGN(const auto owner, EcuOwner(sql, serial));
  if (owner) return MakeError(DirectorErrc::kForeignEcu, what + " belongs to another device");
  return MakeError(DirectorErrc::kUnknownEcu, what + " is not registered for this device");
}

// What the manifest would have stored must be storable text (no NUL bytes).
Status CheckStorable(const ParsedDeviceManifest& parsed) {
  std::vector<const std::string*> texts;
  for (const auto& [serial, report] : parsed.reports) {
    texts.push_back(&report.installed_image.filepath);
    for (const auto& [algorithm, digest] : report.installed_image.hashes) texts.push_back(&digest);
  }
  if (const auto& report = parsed.manifest.installation_report) {
    texts.insert(texts.end(),
                 {&report->correlation_id, &report->result.code, &report->result.description});
  }
  for (const std::string* text : texts) {
    if (!IsStorableText(*text)) return Malformed("device manifest: a text field holds a NUL byte");
  }
  return Ok();
}

Status CheckEcus(soci::session& sql, const std::vector<Ecu>& ecus,
                 const ParsedDeviceManifest& parsed) {
  const std::string& primary = parsed.manifest.primary_ecu_serial;
  const Ecu* ecu = FindEcu(ecus, primary);
  if (ecu != nullptr && !ecu->primary) {
    return MakeError(DirectorErrc::kUnknownEcu,
                     "ECU " + primary + " is not the registered primary ECU");
  }
  if (ecu == nullptr) return RefuseEcu(sql, primary, "primary ECU " + primary);
  for (const auto& [serial, report] : parsed.reports) {
    if (FindEcu(ecus, serial) == nullptr) return RefuseEcu(sql, serial, "ECU " + serial);
  }
  return Ok();
}

Status CheckSignatures(const std::vector<Ecu>& ecus, const ParsedDeviceManifest& parsed) {
  std::map<std::string, PublicKey> keys;
  for (const Ecu& ecu : ecus) {
    OTTER_ASSIGN(PublicKey key, PublicKey::FromTufJson(ecu.public_key));
    keys.emplace(ecu.serial, std::move(key));
  }
  const Status verified = uptane::VerifyDeviceManifest(parsed, keys);
  if (verified) return Ok();
  const bool unknown = verified.error().Is(uptane::UptaneErrc::kUnknownEcu);
  return MakeError(unknown ? DirectorErrc::kUnknownEcu : DirectorErrc::kBadSignature,
                   verified.error().message());
}

Status CheckCounters(const std::vector<Ecu>& ecus, const ParsedDeviceManifest& parsed) {
  for (const auto& [serial, report] : parsed.reports) {
    const Ecu* ecu = FindEcu(ecus, serial);
    if (ecu->report_counter && report.report_counter <= *ecu->report_counter) {
      return MakeError(DirectorErrc::kStaleCounter,
                       "report_counter " + std::to_string(report.report_counter) + " of ECU " +
                           serial + " is not above the last accepted " +
                           std::to_string(*ecu->report_counter));
    }
  }
  return Ok();
}

// The result an installation report gives one assignment, if any.
std::optional<uptane::InstallationResult> ResultFor(const uptane::InstallationReport& report,
                                                    const Assignment& assignment) {
  if (report.items.empty()) return report.result;
  for (const auto& item : report.items) {
    if (item.ecu_serial == assignment.ecu_serial) return item.result;
  }
  return std::nullopt;
}

Status CloseReported(soci::session& sql, const std::string& device_id,
                     const uptane::InstallationReport& report, TimePoint now) {
  OTTER_ASSIGN(const auto open, OpenAssignments(sql, device_id));
  for (const Assignment& assignment : open) {
    if (assignment.correlation_id != report.correlation_id) continue;
    const auto result = ResultFor(report, assignment);
    if (!result) continue;
    if (result->code == "NEED_COMPLETION") {  // installed, waiting for a reboot
      OTTER_TRY(MarkInFlight(sql, device_id, assignment.correlation_id));
      continue;
    }
    const Closing closing{
        result->success ? AssignmentStatus::kSucceeded : AssignmentStatus::kFailed, result->code,
        result->description};
    OTTER_TRY(CloseAssignment(sql, assignment, closing, now));
  }
  return Ok();
}

bool Runs(const uptane::EcuVersionReport& report, const uptane::TargetFile& target) {
  const auto& image = report.installed_image;
  auto reported = image.hashes.find("sha256");
  auto wanted = target.hashes.find("sha256");
  return image.filepath == target.name && reported != image.hashes.end() &&
         wanted != target.hashes.end() && reported->second == wanted->second;
}

Status CloseInstalled(soci::session& sql, const std::string& device_id,
                      const ParsedDeviceManifest& parsed, TimePoint now) {
  OTTER_ASSIGN(const auto open, OpenAssignments(sql, device_id));
  const Closing closing{AssignmentStatus::kSucceeded, "OK", "the ECU reports the target installed"};
  for (const Assignment& assignment : open) {
    auto report = parsed.reports.find(assignment.ecu_serial);
    if (report == parsed.reports.end() || !Runs(report->second, assignment.target)) continue;
    OTTER_TRY(CloseAssignment(sql, assignment, closing, now));
  }
  return Ok();
}

Status Record(soci::session& sql, const std::string& device_id, const ParsedDeviceManifest& parsed,
              TimePoint now) {
  for (const auto& [serial, report] : parsed.reports) OTTER_TRY(RecordEcuReport(sql, report, now));
  if (const auto& report = parsed.manifest.installation_report) {
    OTTER_TRY(InsertReport(sql, device_id, *report, now));
    OTTER_TRY(CloseReported(sql, device_id, *report, now));
  }
  OTTER_TRY(CloseInstalled(sql, device_id, parsed, now));
  OTTER_TRY(UpsertDeviceData(sql, device_id, "manifest", parsed.envelope.bytes, now));
  return SetLastSeen(sql, device_id, now);
}

}  // namespace

Status Director::ProcessManifest(std::string_view device_id, std::string bytes) {
  auto parsed = uptane::ParseSignedDeviceManifest(std::move(bytes));
  if (!parsed) return Malformed("device manifest: " + parsed.error().message());
  OTTER_TRY(CheckStorable(*parsed));
  const std::string device(device_id);
  const TimePoint now = clock_.Now();
  return database_.WithTransaction([&](soci::session& sql) -> Status {
    OTTER_ASSIGN(const auto ecus, LoadEcus(sql, device));
    if (ecus.empty()) {
      return MakeError(DirectorErrc::kNotRegistered,
                       "register the device's ECUs (POST /director/ecus) before its manifest");
    }
    OTTER_TRY(CheckEcus(sql, ecus, *parsed));
    OTTER_TRY(CheckSignatures(ecus, *parsed));
    OTTER_TRY(CheckCounters(ecus, *parsed));
    return Record(sql, device, *parsed, now);
  });
}

}  // namespace otter::director
