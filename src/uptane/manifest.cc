#include "uptane/manifest.h"

#include <charconv>
#include <utility>

#include "common/canonical_json.h"
#include "common/hex.h"
#include "uptane/errors.h"

namespace otter::uptane {
namespace {

using nlohmann::json;

Error Malformed(const std::string& message) { return MakeError(UptaneErrc::kMalformed, message); }

Result<const json*> Member(const json& object, const std::string& key) {
  if (!object.is_object()) return Malformed("expected an object around \"" + key + "\"");
  auto it = object.find(key);
  if (it == object.end()) return Malformed("missing field \"" + key + "\"");
  return &*it;
}

Result<const json*> ObjectMember(const json& object, const std::string& key) {
  OTTER_ASSIGN(const json* value, Member(object, key));
  if (!value->is_object()) return Malformed("\"" + key + "\" is not an object");
  return value;
}

Result<std::string> StringMember(const json& object, const std::string& key) {
  OTTER_ASSIGN(const json* value, Member(object, key));
  if (!value->is_string()) return Malformed("\"" + key + "\" is not a string");
  return value->get<std::string>();
}

// An optional string member: "" when absent.
Result<std::string> OptionalString(const json& object, const std::string& key) {
  if (!object.contains(key)) return std::string();
  return StringMember(object, key);
}

Result<std::uint64_t> UintMember(const json& object, const std::string& key) {
  OTTER_ASSIGN(const json* value, Member(object, key));
  if (value->is_number_unsigned()) return value->get<std::uint64_t>();
  if (value->is_number_integer() && value->get<std::int64_t>() >= 0)
    return value->get<std::uint64_t>();
  return Malformed("\"" + key + "\" is not a non-negative integer");
}

// report_counter: a decimal string (aktualizr) or an integer.
Result<std::uint64_t> CounterMember(const json& object, const std::string& key) {
  OTTER_ASSIGN(const json* value, Member(object, key));
  if (!value->is_string()) return UintMember(object, key);
  const std::string text = value->get<std::string>();
  std::uint64_t counter = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), counter);
  if (text.empty() || error != std::errc() || end != text.data() + text.size())
    return Malformed("\"" + key + "\" is not a decimal counter");
  return counter;
}

Result<Hashes> ParseHashes(const json& hashes) {
  if (!hashes.is_object()) return Malformed("\"hashes\" is not an object");
  Hashes out;
  for (const auto& [algorithm, digest] : hashes.items()) {
    if (!digest.is_string()) return Malformed("hash " + algorithm + " is not a string");
    out.emplace(algorithm, digest.get<std::string>());
  }
  return out;
}

Result<ReportedImage> ParseReportedImage(const json& image) {
  ReportedImage out;
  OTTER_ASSIGN(out.filepath, StringMember(image, "filepath"));
  OTTER_ASSIGN(const json* fileinfo, ObjectMember(image, "fileinfo"));
  OTTER_ASSIGN(out.length, UintMember(*fileinfo, "length"));
  OTTER_ASSIGN(const json* hashes, Member(*fileinfo, "hashes"));
  OTTER_ASSIGN(out.hashes, ParseHashes(*hashes));
  return out;
}

json ToJson(const ReportedImage& image) {
  return {{"filepath", image.filepath},
          {"fileinfo", {{"length", image.length}, {"hashes", image.hashes}}}};
}

json UnknownOf(const json& object, std::initializer_list<const char*> known) {
  json unknown = object;
  for (const char* name : known) unknown.erase(name);
  return unknown;
}

void MergeUnknown(json& out, const json& unknown) {
  if (!unknown.is_object()) return;
  for (const auto& [key, value] : unknown.items()) out.emplace(key, value);
}

Result<InstallationResult> ParseResult(const json& result) {
  if (!result.is_object()) return Malformed("\"result\" is not an object");
  InstallationResult out;
  OTTER_ASSIGN(const json* success, Member(result, "success"));
  if (!success->is_boolean()) return Malformed("\"success\" is not a boolean");
  out.success = success->get<bool>();
  OTTER_ASSIGN(out.code, StringMember(result, "code"));
  OTTER_ASSIGN(out.description, OptionalString(result, "description"));
  return out;
}

json ToJson(const InstallationResult& result) {
  return {{"success", result.success}, {"code", result.code}, {"description", result.description}};
}

Result<std::vector<EcuInstallationResult>> ParseItems(const json& report) {
  std::vector<EcuInstallationResult> items;
  if (!report.contains("items")) return items;
  const json& list = report["items"];
  if (!list.is_array()) return Malformed("\"items\" is not an array");
  for (const json& item : list) {
    EcuInstallationResult parsed;
    OTTER_ASSIGN(parsed.ecu_serial, StringMember(item, "ecu"));
    OTTER_ASSIGN(const json* result, Member(item, "result"));
    OTTER_ASSIGN(parsed.result, ParseResult(*result));
    items.push_back(std::move(parsed));
  }
  return items;
}

Result<SignedMetadata> ParseEnvelope(const json& envelope) {
  try {
    return SignedMetadata::Parse(envelope.dump());
  } catch (const json::exception& error) {
    return Malformed(error.what());
  }
}

Result<std::map<std::string, SignedMetadata>> ParseEcuManifests(const json& manifests) {
  if (!manifests.is_object()) return Malformed("\"ecu_version_manifests\" is not an object");
  std::map<std::string, SignedMetadata> out;
  for (const auto& [serial, envelope] : manifests.items()) {
    OTTER_ASSIGN_CONTEXT(SignedMetadata parsed, ParseEnvelope(envelope), "ECU " + serial);
    out.emplace(serial, std::move(parsed));
  }
  return out;
}

Result<std::map<std::string, EcuVersionReport>> ParseReports(const DeviceManifest& manifest) {
  std::map<std::string, EcuVersionReport> reports;
  for (const auto& [serial, envelope] : manifest.ecu_version_manifests) {
    OTTER_ASSIGN_CONTEXT(EcuVersionReport report, ParseEcuVersionReport(envelope.signed_part),
                         "ECU " + serial);
    if (report.ecu_serial != serial)
      return Malformed("the report listed under ECU " + serial + " is for " + report.ecu_serial);
    reports.emplace(serial, std::move(report));
  }
  return reports;
}

}  // namespace

json ToJson(const EcuVersionReport& report) {
  json out = {{"ecu_serial", report.ecu_serial},
              {"installed_image", ToJson(report.installed_image)},
              {"attacks_detected", report.attacks_detected},
              {"report_counter", std::to_string(report.report_counter)}};
  MergeUnknown(out, report.unknown);
  return out;
}

Result<EcuVersionReport> ParseEcuVersionReport(const json& signed_part) {
  EcuVersionReport report;
  OTTER_ASSIGN(report.ecu_serial, StringMember(signed_part, "ecu_serial"));
  if (report.ecu_serial.empty()) return Malformed("empty ecu_serial");
  OTTER_ASSIGN(const json* image, ObjectMember(signed_part, "installed_image"));
  OTTER_ASSIGN_CONTEXT(report.installed_image, ParseReportedImage(*image), "installed_image");
  OTTER_ASSIGN(report.attacks_detected, OptionalString(signed_part, "attacks_detected"));
  OTTER_ASSIGN(report.report_counter, CounterMember(signed_part, "report_counter"));
  report.unknown = UnknownOf(
      signed_part, {"ecu_serial", "installed_image", "attacks_detected", "report_counter"});
  return report;
}

json ToJson(const InstallationReport& report) {
  json items = json::array();
  for (const auto& item : report.items)
    items.push_back({{"ecu", item.ecu_serial}, {"result", ToJson(item.result)}});
  return {{"content_type", kInstallationReportContentType},
          {"report",
           {{"correlation_id", report.correlation_id},
            {"result", ToJson(report.result)},
            {"items", items}}}};
}

Result<InstallationReport> ParseInstallationReport(const json& value) {
  OTTER_ASSIGN(std::string content_type, StringMember(value, "content_type"));
  if (content_type != kInstallationReportContentType)
    return Malformed("unknown installation report content_type \"" + content_type + "\"");
  OTTER_ASSIGN(const json* report, ObjectMember(value, "report"));
  InstallationReport out;
  OTTER_ASSIGN(out.correlation_id, StringMember(*report, "correlation_id"));
  OTTER_ASSIGN(const json* result, Member(*report, "result"));
  OTTER_ASSIGN(out.result, ParseResult(*result));
  OTTER_ASSIGN(out.items, ParseItems(*report));
  return out;
}

json ToJson(const DeviceManifest& manifest) {
  json reports = json::object();
  for (const auto& [serial, envelope] : manifest.ecu_version_manifests) {
    json signatures = json::array();
    for (const auto& signature : envelope.signatures)
      signatures.push_back({{"keyid", signature.keyid}, {"sig", signature.sig}});
    reports[serial] = {{"signed", envelope.signed_part}, {"signatures", signatures}};
  }
  json out = {{"primary_ecu_serial", manifest.primary_ecu_serial},
              {"ecu_version_manifests", reports}};
  if (manifest.installation_report)
    out["installation_report"] = ToJson(*manifest.installation_report);
  MergeUnknown(out, manifest.unknown);
  return out;
}

Result<DeviceManifest> ParseDeviceManifest(const json& signed_part) {
  DeviceManifest manifest;
  OTTER_ASSIGN(manifest.primary_ecu_serial, StringMember(signed_part, "primary_ecu_serial"));
  if (manifest.primary_ecu_serial.empty()) return Malformed("empty primary_ecu_serial");
  OTTER_ASSIGN(const json* reports, Member(signed_part, "ecu_version_manifests"));
  OTTER_ASSIGN(manifest.ecu_version_manifests, ParseEcuManifests(*reports));
  if (signed_part.contains("installation_report")) {
    OTTER_ASSIGN_CONTEXT(manifest.installation_report,
                         ParseInstallationReport(signed_part["installation_report"]),
                         "installation_report");
  }
  manifest.unknown = UnknownOf(
      signed_part, {"primary_ecu_serial", "ecu_version_manifests", "installation_report"});
  return manifest;
}

Result<SignedMetadata> SignEcuVersionReport(const EcuVersionReport& report,
                                            const PrivateKey& ecu_key) {
  return SignMetadata(ToJson(report), {&ecu_key});
}

Result<SignedMetadata> SignDeviceManifest(const DeviceManifest& manifest,
                                          const PrivateKey& primary_key) {
  return SignMetadata(ToJson(manifest), {&primary_key});
}

Result<ParsedDeviceManifest> ParseSignedDeviceManifest(std::string bytes) {
  ParsedDeviceManifest parsed;
  OTTER_ASSIGN(parsed.envelope, SignedMetadata::Parse(std::move(bytes)));
  OTTER_ASSIGN(parsed.manifest, ParseDeviceManifest(parsed.envelope.signed_part));
  OTTER_ASSIGN(parsed.reports, ParseReports(parsed.manifest));
  return parsed;
}

Status VerifySignedBy(const SignedMetadata& document, const PublicKey& key, std::string_view what) {
  auto message = CanonicalJson(document.signed_part);
  if (!message) return Malformed(std::string(what) + ": " + message.error().message());
  for (const Signature& signature : document.signatures) {
    auto raw = HexDecode(signature.sig);
    if (raw.ok() && key.Verify(*message, *raw)) return Ok();
  }
  return MakeError(UptaneErrc::kBadSignature,
                   std::string(what) + " is not signed by its registered key");
}

Status VerifyDeviceManifest(const ParsedDeviceManifest& manifest,
                            const std::map<std::string, PublicKey>& ecu_keys) {
  const std::string& primary = manifest.manifest.primary_ecu_serial;
  auto primary_key = ecu_keys.find(primary);
  if (primary_key == ecu_keys.end())
    return MakeError(UptaneErrc::kUnknownEcu, "unknown primary ECU " + primary);
  OTTER_TRY(VerifySignedBy(manifest.envelope, primary_key->second, "the device manifest"));
  for (const auto& [serial, envelope] : manifest.manifest.ecu_version_manifests) {
    auto key = ecu_keys.find(serial);
    if (key == ecu_keys.end()) return MakeError(UptaneErrc::kUnknownEcu, "unknown ECU " + serial);
    OTTER_TRY(VerifySignedBy(envelope, key->second, "the version report of ECU " + serial));
  }
  return Ok();
}

}  // namespace otter::uptane
