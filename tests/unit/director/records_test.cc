// Events, device data, status and the admin queries.
#include "unit/director/director_fixture.h"

namespace otter::director::testing {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

json Event(const std::string& id, const std::string& type, const std::string& correlation_id = "") {
  json event = {{"id", id},
                {"deviceTime", "2026-11-25T12:00:00Z"},
                {"eventType", {{"id", type}, {"version", 0}}},
                {"event", {{"ecu", "dev-1-ecu0"}}}};
  if (!correlation_id.empty()) event["event"]["correlationId"] = correlation_id;
  return event;
}

class RecordsTest : public DirectorTest {};

TEST_P(RecordsTest, EventsAreStoredOncePerId) {
  RegisteredDevice("dev-1");
  const json batch =
      json::array({Event("e1", "EcuDownloadStarted"), Event("e2", "EcuDownloadCompleted")});
  EXPECT_EQ(Must(director_->StoreEvents("dev-1", batch)), 2u);
  clock_.Advance(minutes(1));
  const json resent =
      json::array({Event("e2", "EcuDownloadCompleted"), Event("e3", "EcuInstallationStarted")});
  EXPECT_EQ(Must(director_->StoreEvents("dev-1", resent)), 1u);
  const auto events = Must(director_->Events("dev-1"));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].id, "e3");  // newest first
  EXPECT_EQ(events[0].type, "EcuInstallationStarted");
  EXPECT_EQ(events[0].ecu_serial, "dev-1-ecu0");
  EXPECT_EQ(events[0].device_time, "2026-11-25T12:00:00Z");
  EXPECT_EQ(events[0].event["eventType"]["id"], "EcuInstallationStarted");
  EXPECT_EQ(Must(director_->Events("dev-1", 2)).size(), 2u);
}

TEST_P(RecordsTest, TheSameEventIdOnAnotherDeviceIsAnotherEvent) {
  RegisteredDevice("dev-1");
  RegisteredDevice("dev-2");
  EXPECT_EQ(Must(director_->StoreEvents("dev-1", json::array({Event("e1", "X")}))), 1u);
  EXPECT_EQ(Must(director_->StoreEvents("dev-2", json::array({Event("e1", "X")}))), 1u);
  EXPECT_EQ(Must(director_->Events("dev-1")).size(), 1u);
}

TEST_P(RecordsTest, AnEventAboutAnUpdatePutsItInFlight) {
  RegisteredDevice("dev-1");
  const Assignment assignment = Must(director_->Assign("dev-1", "myos-1"));
  Must(director_->StoreEvents(
      "dev-1", json::array({Event("e1", "EcuDownloadStarted", assignment.correlation_id)})));
  EXPECT_EQ(Must(director_->ShowDevice("dev-1")).open_assignments[0].status,
            AssignmentStatus::kInFlight);
}

TEST_P(RecordsTest, AMalformedBatchStoresNothing) {
  RegisteredDevice("dev-1");
  json no_id = Event("e2", "X");
  no_id.erase("id");
  json no_type = Event("e3", "X");
  no_type.erase("eventType");
  json bad_ecu = Event("e4", "X");
  bad_ecu["event"]["ecu"] = 7;
  const json good = Event("e1", "X");
  for (const json& batch :
       {json::object(), json::array({good, no_id}), json::array({good, no_type}),
        json::array({good, bad_ecu}), json::array({good, "text"})}) {
    ExpectError(director_->StoreEvents("dev-1", batch), DirectorErrc::kMalformed);
  }
  EXPECT_TRUE(Must(director_->Events("dev-1")).empty());
}

TEST_P(RecordsTest, DeviceDataKeepsTheLatestOfEachKind) {
  RegisteredDevice("dev-1");
  MustOk(director_->StoreDeviceData("dev-1", DeviceDataKind::kSystemInfo, R"({"cpu": "a53"})"));
  MustOk(director_->StoreDeviceData("dev-1", DeviceDataKind::kSystemInfo, R"({"cpu": "a72"})"));
  MustOk(director_->StoreDeviceData("dev-1", DeviceDataKind::kNetwork,
                                    R"({"local_ipv4": "10.0.0.2", "mac": "aa", "hostname": "h"})"));
  MustOk(director_->StoreDeviceData("dev-1", DeviceDataKind::kConfig, "[uptane]\npolling = 60\n"));
  MustOk(director_->StoreDeviceData("dev-1", DeviceDataKind::kInstalledPackages,
                                    R"([{"name": "otter-agent", "version": "1.0"}])"));
  const auto data = Must(director_->ShowDevice("dev-1")).data;
  EXPECT_EQ(data.at("system_info"), json({{"cpu", "a72"}}));
  EXPECT_EQ(data.at("network")["hostname"], "h");
  EXPECT_EQ(data.at("config"), "[uptane]\npolling = 60\n");
  EXPECT_EQ(data.at("installed_packages")[0]["name"], "otter-agent");
}

TEST_P(RecordsTest, DeviceDataOfTheWrongShapeIsRefused) {
  RegisteredDevice("dev-1");
  MustOk(director_->StoreDeviceData("dev-1", DeviceDataKind::kSystemInfo, R"({"cpu": "a53"})"));
  ExpectError(director_->StoreDeviceData("dev-1", DeviceDataKind::kSystemInfo, "{"),
              DirectorErrc::kMalformed);
  ExpectError(director_->StoreDeviceData("dev-1", DeviceDataKind::kNetwork, "[]"),
              DirectorErrc::kMalformed);
  ExpectError(director_->StoreDeviceData("dev-1", DeviceDataKind::kInstalledPackages, "{}"),
              DirectorErrc::kMalformed);
  ExpectError(director_->StoreDeviceData("dev-1", DeviceDataKind::kConfig, std::string("a\0b", 3)),
              DirectorErrc::kMalformed);
  ExpectError(director_->StoreDeviceData("dev-1", DeviceDataKind::kConfig, "\xff\xfe"),
              DirectorErrc::kMalformed);
  const auto data = Must(director_->ShowDevice("dev-1")).data;
  EXPECT_EQ(data.size(), 1u);
  EXPECT_EQ(data.at("system_info"), json({{"cpu", "a53"}}));
}

TEST_P(RecordsTest, StatusFollowsTheDevicesLife) {
  TestDevice device = NewDevice("dev-1");
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kNotSeen);
  MetadataOf("dev-1", "timestamp.json");
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpToDate);
  Must(director_->RegisterEcus("dev-1", device.Registration()));
  const Assignment first = Must(director_->Assign("dev-1", "myos-1"));
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpdatePending);
  clock_.Advance(minutes(1));
  MustOk(director_->ProcessManifest(
      "dev-1", device.Manifest(Report(first.correlation_id, false, "DOWNLOAD_FAILED", "timeout"))));
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpdateFailed);
  EXPECT_EQ(Must(director_->StatusOf("dev-1")).reason, "DOWNLOAD_FAILED: timeout");
  // A cancelled retry leaves the failure standing; a success clears it.
  Must(director_->Assign("dev-1", "myos-1"));
  Must(director_->Cancel("dev-1"));
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpdateFailed);
  const Assignment retry = Must(director_->Assign("dev-1", "myos-1"));
  clock_.Advance(minutes(1));
  device.Install(0, Target("myos-1"));
  MustOk(director_->ProcessManifest("dev-1",
                                    device.Manifest(Report(retry.correlation_id, true, "OK"))));
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpToDate);
  ExpectError(director_->StatusOf("nobody"), DirectorErrc::kDeviceNotFound);
}

TEST_P(RecordsTest, LastSeenIsWrittenAtMostOncePerMinute) {
  NewDevice("dev-1");
  const TimePoint first = clock_.Now();
  MetadataOf("dev-1", "timestamp.json");
  clock_.Advance(seconds(30));
  MetadataOf("dev-1", "timestamp.json");
  EXPECT_EQ(Must(director_->ShowDevice("dev-1")).summary.last_seen, first);
  clock_.Advance(seconds(31));
  MetadataOf("dev-1", "timestamp.json");
  EXPECT_EQ(Must(director_->ShowDevice("dev-1")).summary.last_seen, clock_.Now());
}

TEST_P(RecordsTest, ListDevicesPagesThroughTheFleet) {
  for (const char* id : {"dev-c", "dev-a", "dev-b"}) NewDevice(id);
  MetadataOf("dev-b", "timestamp.json");
  const auto all = Must(director_->ListDevices());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].device_id, "dev-a");
  EXPECT_EQ(all[0].status.state, DeviceState::kNotSeen);
  EXPECT_EQ(all[1].status.state, DeviceState::kUpToDate);
  EXPECT_EQ(all[1].last_seen, clock_.Now());
  const auto page = Must(director_->ListDevices({.offset = 1, .limit = 1}));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].device_id, "dev-b");
}

TEST_P(RecordsTest, QueriesOfAnUnknownDeviceAreNotFound) {
  ExpectError(director_->ShowDevice("nobody"), DirectorErrc::kDeviceNotFound);
  ExpectError(director_->History("nobody"), DirectorErrc::kDeviceNotFound);
  ExpectError(director_->Events("nobody"), DirectorErrc::kDeviceNotFound);
}

OTTER_DIRECTOR_BACKENDS(RecordsTest);

}  // namespace
}  // namespace otter::director::testing
