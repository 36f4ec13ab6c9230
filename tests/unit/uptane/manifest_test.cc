// Device version manifests: building, signing, parsing and verifying.
#include "uptane/manifest.h"

#include <gtest/gtest.h>

#include "support/must.h"
#include "uptane/errors.h"

namespace otter::uptane {
namespace {

using nlohmann::json;
using testing::Must;

class ManifestTest : public ::testing::Test {
 protected:
  PrivateKey primary_key_ = Must(PrivateKey::Generate(KeyType::kEd25519), "key");
  PrivateKey secondary_key_ = Must(PrivateKey::Generate(KeyType::kEcdsaP256), "key");

  static EcuVersionReport Report(const std::string& serial, std::uint64_t counter) {
    return {.ecu_serial = serial,
            .installed_image = {.filepath = "os-42",
                                .length = 0,
                                .hashes = {{"sha256", std::string(64, 'a')}}},
            .attacks_detected = "",
            .report_counter = counter};
  }

  DeviceManifest Manifest(std::uint64_t counter = 1) {
    DeviceManifest manifest{.primary_ecu_serial = "primary"};
    manifest.ecu_version_manifests.emplace(
        "primary", Must(SignEcuVersionReport(Report("primary", counter), primary_key_), "sign"));
    manifest.ecu_version_manifests.emplace(
        "mcu", Must(SignEcuVersionReport(Report("mcu", counter), secondary_key_), "sign"));
    return manifest;
  }

  std::map<std::string, PublicKey> Keys() const {
    return {{"primary", primary_key_.public_key()}, {"mcu", secondary_key_.public_key()}};
  }

  std::string SignedBytes(const DeviceManifest& manifest) {
    return Must(SignDeviceManifest(manifest, primary_key_), "sign").bytes;
  }
};

TEST_F(ManifestTest, RoundTripsAndVerifies) {
  DeviceManifest manifest = Manifest(7);
  manifest.installation_report = InstallationReport{
      .correlation_id = "c-1",
      .result = {.success = false, .code = "INSTALL_FAILED", .description = "rolled back"},
      .items = {{.ecu_serial = "primary", .result = {.success = false, .code = "INSTALL_FAILED"}}}};
  const ParsedDeviceManifest parsed = Must(ParseSignedDeviceManifest(SignedBytes(manifest)));
  EXPECT_TRUE(VerifyDeviceManifest(parsed, Keys()).ok());
  EXPECT_EQ(parsed.manifest.primary_ecu_serial, "primary");
  ASSERT_EQ(parsed.reports.size(), 2u);
  const EcuVersionReport& mcu = parsed.reports.at("mcu");
  EXPECT_EQ(mcu.report_counter, 7u);
  EXPECT_EQ(mcu.installed_image.filepath, "os-42");
  EXPECT_EQ(mcu.installed_image.hashes.at("sha256"), std::string(64, 'a'));
  ASSERT_TRUE(parsed.manifest.installation_report.has_value());
  const InstallationReport& report = *parsed.manifest.installation_report;
  EXPECT_EQ(report.correlation_id, "c-1");
  EXPECT_FALSE(report.result.success);
  EXPECT_EQ(report.result.code, "INSTALL_FAILED");
  EXPECT_EQ(report.result.description, "rolled back");
  ASSERT_EQ(report.items.size(), 1u);
  EXPECT_EQ(report.items[0].ecu_serial, "primary");
}

TEST_F(ManifestTest, WireFormIsTheReferenceOne) {
  const json signed_part = json::parse(SignedBytes(Manifest(3)))["signed"];
  const json& report = signed_part["ecu_version_manifests"]["primary"]["signed"];
  EXPECT_EQ(report["report_counter"], "3");
  EXPECT_EQ(report["installed_image"]["fileinfo"]["length"], 0);
  EXPECT_EQ(report["attacks_detected"], "");
  EXPECT_FALSE(signed_part.contains("installation_report"));
  DeviceManifest with_report = Manifest();
  with_report.installation_report = InstallationReport{.correlation_id = "c"};
  const json installation = json::parse(SignedBytes(with_report))["signed"]["installation_report"];
  EXPECT_EQ(installation["content_type"], kInstallationReportContentType);
  EXPECT_EQ(installation["report"]["correlation_id"], "c");
}

TEST_F(ManifestTest, IntegerCounterIsAccepted) {
  json report = ToJson(Report("primary", 0));
  report["report_counter"] = 12;
  EXPECT_EQ(Must(ParseEcuVersionReport(report)).report_counter, 12u);
}

TEST_F(ManifestTest, BadCountersAreMalformed) {
  for (const json& counter : {json("12a"), json(""), json(-1), json("-1"), json(1.5)}) {
    json report = ToJson(Report("primary", 0));
    report["report_counter"] = counter;
    const auto parsed = ParseEcuVersionReport(report);
    ASSERT_FALSE(parsed.ok()) << counter.dump();
    EXPECT_TRUE(parsed.error().Is(UptaneErrc::kMalformed));
  }
}

TEST_F(ManifestTest, UnknownFieldsSurvive) {
  EcuVersionReport report = Report("primary", 1);
  report.unknown = {{"timeserver_time", "1970-01-01T00:00:00Z"}};
  const json signed_part = Must(SignEcuVersionReport(report, primary_key_)).signed_part;
  EXPECT_EQ(Must(ParseEcuVersionReport(signed_part)).unknown["timeserver_time"],
            "1970-01-01T00:00:00Z");
}

TEST_F(ManifestTest, ManifestSignedByAnotherKeyFails) {
  const std::string bytes = Must(SignDeviceManifest(Manifest(), secondary_key_)).bytes;
  const Status verified = VerifyDeviceManifest(Must(ParseSignedDeviceManifest(bytes)), Keys());
  ASSERT_FALSE(verified.ok());
  EXPECT_TRUE(verified.error().Is(UptaneErrc::kBadSignature));
}

TEST_F(ManifestTest, EcuReportSignedByAnotherKeyFails) {
  DeviceManifest manifest = Manifest();
  manifest.ecu_version_manifests.insert_or_assign(
      "mcu", Must(SignEcuVersionReport(Report("mcu", 1), primary_key_)));
  const Status verified =
      VerifyDeviceManifest(Must(ParseSignedDeviceManifest(SignedBytes(manifest))), Keys());
  ASSERT_FALSE(verified.ok());
  EXPECT_TRUE(verified.error().Is(UptaneErrc::kBadSignature));
  EXPECT_NE(verified.error().message().find("mcu"), std::string::npos);
}

TEST_F(ManifestTest, TamperedReportFails) {
  json document = json::parse(SignedBytes(Manifest()));
  document["signed"]["ecu_version_manifests"]["mcu"]["signed"]["report_counter"] = "99";
  // The primary's signature covers the change too: re-sign only the outside.
  const DeviceManifest tampered = Must(ParseDeviceManifest(document["signed"]));
  const Status verified =
      VerifyDeviceManifest(Must(ParseSignedDeviceManifest(SignedBytes(tampered))), Keys());
  ASSERT_FALSE(verified.ok());
  EXPECT_TRUE(verified.error().Is(UptaneErrc::kBadSignature));
}

TEST_F(ManifestTest, UnknownEcuIsRefused) {
  auto keys = Keys();
  keys.erase("mcu");
  const Status verified =
      VerifyDeviceManifest(Must(ParseSignedDeviceManifest(SignedBytes(Manifest()))), keys);
  ASSERT_FALSE(verified.ok());
  EXPECT_TRUE(verified.error().Is(UptaneErrc::kUnknownEcu));
}

TEST_F(ManifestTest, ReportUnderAnotherSerialIsMalformed) {
  DeviceManifest manifest = Manifest();
  manifest.ecu_version_manifests.insert_or_assign(
      "mcu", Must(SignEcuVersionReport(Report("primary", 1), secondary_key_)));
  const auto parsed = ParseSignedDeviceManifest(SignedBytes(manifest));
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(parsed.error().Is(UptaneErrc::kMalformed));
}

TEST_F(ManifestTest, MalformedDocumentsAreRefused) {
  const json good = json::parse(SignedBytes(Manifest()));
  std::vector<std::string> bad = {"", "{", "[]", R"({"signed": {}, "signatures": []})"};
  json no_image = good;
  no_image["signed"]["ecu_version_manifests"]["mcu"]["signed"].erase("installed_image");
  json bad_reports = good;
  bad_reports["signed"]["ecu_version_manifests"] = json::array();
  json bad_report_type = good;
  bad_report_type["signed"]["installation_report"] = {{"content_type", "text/plain"},
                                                      {"report", json::object()}};
  json bad_result = good;
  bad_result["signed"]["installation_report"] = {
      {"content_type", kInstallationReportContentType},
      {"report", {{"correlation_id", "c"}, {"result", {{"success", "yes"}, {"code", "OK"}}}}}};
  for (const json& document : {no_image, bad_reports, bad_report_type, bad_result})
    bad.push_back(document.dump());
  for (const std::string& bytes : bad) {
    const auto parsed = ParseSignedDeviceManifest(bytes);
    ASSERT_FALSE(parsed.ok()) << bytes;
    EXPECT_TRUE(parsed.error().Is(UptaneErrc::kMalformed)) << parsed.error().message();
  }
}

}  // namespace
}  // namespace otter::uptane
