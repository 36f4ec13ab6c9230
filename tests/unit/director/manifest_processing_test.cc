// PUT /director/manifest at the service: what a manifest records and closes,
// and every refusal leaving everything as it was.
#include "director/json_views.h"
#include "unit/director/director_fixture.h"

namespace otter::director::testing {
namespace {

using std::chrono::minutes;

class ManifestProcessingTest : public DirectorTest {
 protected:
  // Everything the Director keeps about a device, as JSON (but last_seen,
  // which fetching the targets moves).
  json Records(const std::string& device) {
    const std::string targets = MetadataOf(device, "targets.json");  // first: puts it in flight
    json records = {{"device", internal::ToJson(Must(director_->ShowDevice(device)))},
                    {"history", internal::ToJson(Must(director_->History(device)))},
                    {"targets", targets}};
    records["device"].erase("last_seen");
    return records;
  }

  void ExpectRefused(const std::string& device, const std::string& bytes, DirectorErrc code) {
    const json before = Records(device);
    clock_.Advance(minutes(5));
    ExpectError(director_->ProcessManifest(device, bytes), code);
    EXPECT_EQ(Records(device), before);
  }
};

TEST_P(ManifestProcessingTest, RecordsWhatEachEcuRuns) {
  TestDevice device = RegisteredDevice("dev-1", {"rpi4", "stm32"});
  device.Install(1, Target("mcu-fw"));
  MustOk(director_->ProcessManifest("dev-1", device.Manifest()));
  const DeviceDetails details = Must(director_->ShowDevice("dev-1"));
  ASSERT_TRUE(details.ecus[0].installed.has_value());
  EXPECT_EQ(details.ecus[0].installed->filepath, "factory");
  EXPECT_EQ(details.ecus[1].installed->filepath, "mcu-fw");
  EXPECT_EQ(details.ecus[1].installed->sha256, Target("mcu-fw").hashes.at("sha256"));
  EXPECT_EQ(details.ecus[1].report_counter, 1u);
  EXPECT_EQ(details.last_manifest_at, clock_.Now());
  EXPECT_EQ(details.summary.status.state, DeviceState::kUpToDate);
}

TEST_P(ManifestProcessingTest, ASuccessReportClosesTheAssignment) {
  TestDevice device = RegisteredDevice("dev-1");
  const Assignment assignment = Must(director_->Assign("dev-1", "myos-1"));
  const std::uint64_t version = SignedOf("dev-1", "targets.json")["version"];
  clock_.Advance(minutes(10));
  device.Install(0, Target("myos-1"));
  MustOk(director_->ProcessManifest(
      "dev-1", device.Manifest(Report(assignment.correlation_id, true, "OK", "installed"))));
  const DeviceHistory history = Must(director_->History("dev-1"));
  EXPECT_EQ(history.assignments[0].status, AssignmentStatus::kSucceeded);
  EXPECT_EQ(history.assignments[0].result_code, "OK");
  EXPECT_EQ(history.assignments[0].closed_at, clock_.Now());
  ASSERT_EQ(history.reports.size(), 1u);
  EXPECT_TRUE(history.reports[0].success);
  EXPECT_EQ(history.reports[0].correlation_id, assignment.correlation_id);
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpToDate);
  // The Director stops listing it, in a new version.
  const json targets = SignedOf("dev-1", "targets.json");
  EXPECT_TRUE(targets["targets"].empty());
  EXPECT_GT(targets["version"].get<std::uint64_t>(), version);
}

TEST_P(ManifestProcessingTest, AFailureReportClosesItAsFailed) {
  TestDevice device = RegisteredDevice("dev-1");
  const Assignment assignment = Must(director_->Assign("dev-1", "myos-1"));
  MustOk(director_->ProcessManifest(
      "dev-1", device.Manifest(Report(assignment.correlation_id, false, "INSTALL_FAILED",
                                      "rolled back to the previous deployment"))));
  const DeviceStatus status = Must(director_->StatusOf("dev-1"));
  EXPECT_EQ(status.state, DeviceState::kUpdateFailed);
  EXPECT_EQ(status.reason, "INSTALL_FAILED: rolled back to the previous deployment");
  EXPECT_EQ(Must(director_->History("dev-1")).assignments[0].status, AssignmentStatus::kFailed);
  // A new assignment is possible, and a success puts the device right.
  const Assignment retry = Must(director_->Assign("dev-1", "myos-2"));
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpdatePending);
  clock_.Advance(minutes(1));
  device.Install(0, Target("myos-2"));
  MustOk(director_->ProcessManifest("dev-1",
                                    device.Manifest(Report(retry.correlation_id, true, "OK"))));
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpToDate);
}

TEST_P(ManifestProcessingTest, PerEcuItemsDecideEachAssignment) {
  TestDevice device = RegisteredDevice("dev-1", {"rpi4", "rpi4"});
  const HardwareAssignment both = Must(director_->AssignByHardwareId("rpi4", "myos-1"));
  const std::string correlation_id = both.assigned.at(0).correlation_id;
  uptane::InstallationReport report = Report(correlation_id, false, "INSTALL_FAILED");
  report.items = {
      {.ecu_serial = "dev-1-ecu1", .result = {.success = false, .code = "INSTALL_FAILED"}}};
  MustOk(director_->ProcessManifest("dev-1", device.Manifest(report)));
  const auto open = Must(director_->ShowDevice("dev-1")).open_assignments;
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].ecu_serial, "dev-1-ecu0");
}

TEST_P(ManifestProcessingTest, RunningTheTargetClosesTheAssignment) {
  TestDevice device = RegisteredDevice("dev-1");
  Must(director_->Assign("dev-1", "myos-1"));
  MustOk(director_->ProcessManifest("dev-1", device.Manifest()));
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpdatePending);
  device.Install(0, Target("myos-1"));
  MustOk(director_->ProcessManifest("dev-1", device.Manifest()));
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpToDate);
  EXPECT_EQ(Must(director_->History("dev-1")).assignments[0].status, AssignmentStatus::kSucceeded);
}

TEST_P(ManifestProcessingTest, NeedCompletionKeepsItOpen) {
  TestDevice device = RegisteredDevice("dev-1");
  const Assignment assignment = Must(director_->Assign("dev-1", "myos-1"));
  MustOk(director_->ProcessManifest(
      "dev-1", device.Manifest(Report(assignment.correlation_id, false, "NEED_COMPLETION"))));
  const auto open = Must(director_->ShowDevice("dev-1")).open_assignments;
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].status, AssignmentStatus::kInFlight);
}

TEST_P(ManifestProcessingTest, AResentReportIsStoredOnce) {
  TestDevice device = RegisteredDevice("dev-1");
  const Assignment assignment = Must(director_->Assign("dev-1", "myos-1"));
  const auto report = Report(assignment.correlation_id, true, "OK");
  MustOk(director_->ProcessManifest("dev-1", device.Manifest(report)));
  MustOk(director_->ProcessManifest("dev-1", device.Manifest(report)));
  EXPECT_EQ(Must(director_->History("dev-1")).reports.size(), 1u);
}

TEST_P(ManifestProcessingTest, AReportForAnotherUpdateClosesNothing) {
  TestDevice device = RegisteredDevice("dev-1");
  Must(director_->Assign("dev-1", "myos-1"));
  MustOk(director_->ProcessManifest("dev-1", device.Manifest(Report("old-update", true, "OK"))));
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpdatePending);
  EXPECT_EQ(Must(director_->History("dev-1")).reports.size(), 1u);
}

TEST_P(ManifestProcessingTest, WrongKeysAreRefused) {
  TestDevice device = RegisteredDevice("dev-1", {"rpi4", "stm32"});
  Must(director_->Assign("dev-1", "myos-1"));
  const PrivateKey stranger = NewKey();
  ExpectRefused("dev-1", device.Manifest(std::nullopt, &stranger), DirectorErrc::kBadSignature);
  const PrivateKey real_key = device.ecu(1).key;
  device.ecu(1).key = stranger;
  ExpectRefused("dev-1", device.Manifest(), DirectorErrc::kBadSignature);
  device.ecu(1).key = real_key;
  // Nothing was counted: the same counter still goes through.
  device.counter() = 0;
  MustOk(director_->ProcessManifest("dev-1", device.Manifest()));
}

TEST_P(ManifestProcessingTest, ReplayedCountersAreRefused) {
  TestDevice device = RegisteredDevice("dev-1");
  const std::string manifest = device.Manifest();
  MustOk(director_->ProcessManifest("dev-1", manifest));
  ExpectRefused("dev-1", manifest, DirectorErrc::kStaleCounter);
  device.counter() = 0;  // an older counter, freshly signed
  ExpectRefused("dev-1", device.Manifest(), DirectorErrc::kStaleCounter);
  device.counter() = 5;
  MustOk(director_->ProcessManifest("dev-1", device.Manifest()));
}

TEST_P(ManifestProcessingTest, UnknownAndForeignEcusAreRefused) {
  TestDevice device = RegisteredDevice("dev-1");
  TestDevice other = RegisteredDevice("dev-2");
  TestDevice extended("dev-1", {device.ecu(0), {"dev-1-extra", "rpi4", NewKey(), FactoryImage()}});
  ExpectRefused("dev-1", extended.Manifest(), DirectorErrc::kUnknownEcu);
  TestDevice borrowing("dev-1", {device.ecu(0), other.ecu(0)});
  ExpectRefused("dev-1", borrowing.Manifest(), DirectorErrc::kForeignEcu);
  ExpectRefused("dev-1", other.Manifest(), DirectorErrc::kForeignEcu);  // B's own manifest
  TestDevice stranger("dev-1", {{"dev-9-ecu0", "rpi4", NewKey(), FactoryImage()}});
  ExpectRefused("dev-1", stranger.Manifest(), DirectorErrc::kUnknownEcu);
}

TEST_P(ManifestProcessingTest, ASecondaryPosingAsPrimaryIsRefused) {
  TestDevice device = RegisteredDevice("dev-1", {"rpi4", "stm32"});
  TestDevice swapped("dev-1", {device.ecu(1), device.ecu(0)});
  ExpectRefused("dev-1", swapped.Manifest(), DirectorErrc::kUnknownEcu);
}

TEST_P(ManifestProcessingTest, MalformedManifestsAreRefused) {
  TestDevice device = RegisteredDevice("dev-1");
  json missing_counter = json::parse(device.Manifest());
  missing_counter["signed"]["ecu_version_manifests"]["dev-1-ecu0"]["signed"].erase(
      "report_counter");
  for (const std::string& bytes :
       {std::string("{"), std::string("[]"), std::string(""),
        std::string(R"({"signed": {}, "signatures": []})"), missing_counter.dump()}) {
    ExpectRefused("dev-1", bytes, DirectorErrc::kMalformed);
  }
  device.ecu().installed.filepath = std::string("os\0-42", 6);  // signed, but not storable
  ExpectRefused("dev-1", device.Manifest(), DirectorErrc::kMalformed);
}

TEST_P(ManifestProcessingTest, ADeviceWithoutEcusIsToldToRegister) {
  TestDevice device = NewDevice("dev-1");
  ExpectError(director_->ProcessManifest("dev-1", device.Manifest()), DirectorErrc::kNotRegistered);
}

OTTER_DIRECTOR_BACKENDS(ManifestProcessingTest);

}  // namespace
}  // namespace otter::director::testing
