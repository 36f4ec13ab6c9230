// Device version manifests (Uptane Standard 2.1 §5.4.2.1), in the JSON form
// aktualizr sends to `PUT /director/manifest` (docs/formats/manifest.md):
// each ECU signs a version report of the image it runs; the primary collects
// them, adds an installation report after an update, and signs the whole.
//
//   EcuVersionReport report{.ecu_serial = "ecu-1", .installed_image = {...},
//                           .report_counter = 7};
//   OTTER_ASSIGN(SignedMetadata signed_report, SignEcuVersionReport(report, ecu_key));
//   DeviceManifest manifest{.primary_ecu_serial = "ecu-1"};
//   manifest.ecu_version_manifests.emplace("ecu-1", signed_report);
//   OTTER_ASSIGN(SignedMetadata document, SignDeviceManifest(manifest, ecu_key));
//   ... PUT document.bytes ...
//
// Signatures are hex over the canonical JSON of `signed`, as for metadata.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "uptane/metadata.h"
#include "uptane/signed_metadata.h"

namespace otter::uptane {

inline constexpr std::string_view kInstallationReportContentType =
    "application/vnd.com.here.otac.installationReport.v1";

// What an ECU says it runs: the target name and its file info. For OSTree
// the length is 0 and sha256 is the booted commit.
struct ReportedImage {
  std::string filepath{};
  std::uint64_t length = 0;
  Hashes hashes{};
};

// The `signed` part of one ECU's version report.
struct EcuVersionReport {
  std::string ecu_serial{};
  ReportedImage installed_image{};
  std::string attacks_detected{};    // "" when none
  std::uint64_t report_counter = 0;  // strictly increasing per ECU
  UnknownFields unknown = nlohmann::json::object();
};

// Result codes: OK, ALREADY_PROCESSED, VERIFICATION_FAILED, INSTALL_FAILED,
// DOWNLOAD_FAILED, INTERNAL_ERROR, GENERAL_ERROR, NEED_COMPLETION,
// OPERATION_CANCELLED.
struct InstallationResult {
  bool success = false;
  std::string code{};
  std::string description{};
};

struct EcuInstallationResult {
  std::string ecu_serial{};
  InstallationResult result{};
};

// The report of one update (one correlation id) on the device.
struct InstallationReport {
  std::string correlation_id{};
  InstallationResult result{};
  std::vector<EcuInstallationResult> items{};  // per ECU; may be empty
};

// The `signed` part of a device manifest.
struct DeviceManifest {
  std::string primary_ecu_serial{};
  // ECU serial -> that ECU's signed version report.
  std::map<std::string, SignedMetadata> ecu_version_manifests{};
  std::optional<InstallationReport> installation_report{};
  UnknownFields unknown = nlohmann::json::object();
};

// JSON forms. The parsers check the schema (kMalformed); unknown fields of a
// version report and of the manifest are kept. report_counter is written as
// a decimal string, as aktualizr does, and read as a string or an integer.
nlohmann::json ToJson(const EcuVersionReport& report);
Result<EcuVersionReport> ParseEcuVersionReport(const nlohmann::json& signed_part);
// {"content_type": kInstallationReportContentType, "report": {...}}
nlohmann::json ToJson(const InstallationReport& report);
Result<InstallationReport> ParseInstallationReport(const nlohmann::json& value);
nlohmann::json ToJson(const DeviceManifest& manifest);
// Each entry of ecu_version_manifests must be a signed envelope, listed under
// the serial its report names.
Result<DeviceManifest> ParseDeviceManifest(const nlohmann::json& signed_part);

Result<SignedMetadata> SignEcuVersionReport(const EcuVersionReport& report,
                                            const PrivateKey& ecu_key);
Result<SignedMetadata> SignDeviceManifest(const DeviceManifest& manifest,
                                          const PrivateKey& primary_key);

// A signed device manifest with every part parsed.
struct ParsedDeviceManifest {
  SignedMetadata envelope;
  DeviceManifest manifest;
  std::map<std::string, EcuVersionReport> reports;  // by ECU serial
};

// kMalformed for anything that is not a well-formed signed device manifest.
Result<ParsedDeviceManifest> ParseSignedDeviceManifest(std::string bytes);

// kBadSignature unless one signature of `document` verifies with `key` over
// the canonical JSON of its `signed` part. The keyid is not consulted: there
// is exactly one key that may have signed it. `what` names the document in
// the message.
Status VerifySignedBy(const SignedMetadata& document, const PublicKey& key, std::string_view what);

// The primary's signature with the key of the primary ECU, and each ECU's
// report with that ECU's key. kUnknownEcu when a serial (the primary's
// included) has no key in `ecu_keys`; kBadSignature.
Status VerifyDeviceManifest(const ParsedDeviceManifest& manifest,
                            const std::map<std::string, PublicKey>& ecu_keys);

}  // namespace otter::uptane
