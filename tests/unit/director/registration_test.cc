// ECU registration: idempotent, replaced when the set changes, validated.
#include "unit/director/director_fixture.h"

namespace otter::director::testing {
namespace {

class RegistrationTest : public DirectorTest {};

TEST_P(RegistrationTest, RegistersTheEcusWithTheFirstAsPrimary) {
  TestDevice device = NewDevice("dev-1", {"rpi4", "stm32"});
  EXPECT_TRUE(Must(director_->RegisterEcus("dev-1", device.Registration())));
  const DeviceDetails details = Must(director_->ShowDevice("dev-1"));
  ASSERT_EQ(details.ecus.size(), 2u);
  EXPECT_EQ(details.ecus[0].serial, "dev-1-ecu0");
  EXPECT_TRUE(details.ecus[0].primary);
  EXPECT_EQ(details.ecus[1].hardware_id, "stm32");
  EXPECT_FALSE(details.ecus[1].primary);
  EXPECT_EQ(details.ecus[1].public_key, device.ecu(1).key.public_key().ToTufJson());
}

TEST_P(RegistrationTest, RegisteringTheSameSetAgainChangesNothing) {
  TestDevice device = RegisteredDevice("dev-1");
  const Assignment assignment = Must(director_->Assign("dev-1", "myos-1"));
  EXPECT_FALSE(Must(director_->RegisterEcus("dev-1", device.Registration())));
  const DeviceDetails details = Must(director_->ShowDevice("dev-1"));
  ASSERT_EQ(details.open_assignments.size(), 1u);
  EXPECT_EQ(details.open_assignments[0].correlation_id, assignment.correlation_id);
}

TEST_P(RegistrationTest, AChangedSetReplacesTheOldOneAndCancelsItsAssignments) {
  TestDevice device = RegisteredDevice("dev-1", {"rpi4", "stm32"});
  Must(director_->Assign("dev-1", "mcu-fw", "dev-1-ecu1"));
  json registration = device.Registration();
  registration["ecus"].erase(1);
  EXPECT_TRUE(Must(director_->RegisterEcus("dev-1", registration)));
  const DeviceDetails details = Must(director_->ShowDevice("dev-1"));
  ASSERT_EQ(details.ecus.size(), 1u);
  EXPECT_TRUE(details.open_assignments.empty());
  const DeviceHistory history = Must(director_->History("dev-1"));
  ASSERT_EQ(history.assignments.size(), 1u);
  EXPECT_EQ(history.assignments[0].status, AssignmentStatus::kCancelled);
}

TEST_P(RegistrationTest, ANewKeyRestartsTheReportCounter) {
  TestDevice device = RegisteredDevice("dev-1");
  MustOk(director_->ProcessManifest("dev-1", device.Manifest()));
  device.ecu().key = NewKey(KeyType::kEcdsaP256);
  EXPECT_TRUE(Must(director_->RegisterEcus("dev-1", device.Registration())));
  device.counter() = 0;
  MustOk(director_->ProcessManifest("dev-1", device.Manifest()), "manifest with the new key");
}

TEST_P(RegistrationTest, ASerialOfAnotherDeviceIsRefused) {
  RegisteredDevice("dev-1");
  TestDevice thief = NewDevice("dev-2");
  thief.ecu().serial = "dev-1-ecu0";
  ExpectError(director_->RegisterEcus("dev-2", thief.Registration()), DirectorErrc::kEcuTaken);
  EXPECT_TRUE(Must(director_->ShowDevice("dev-2")).ecus.empty());
}

TEST_P(RegistrationTest, MalformedRegistrationsAreRefused) {
  TestDevice device = NewDevice("dev-1", {"rpi4", "stm32"});
  const json good = device.Registration();
  std::vector<json> bad(9, good);
  bad[0] = json::array();
  bad[1].erase("primary_ecu_serial");
  bad[2]["primary_ecu_serial"] = "nobody";
  bad[3]["ecus"] = json::array();
  bad[4]["ecus"][1]["ecu_serial"] = "dev-1-ecu0";  // twice
  bad[5]["ecus"][0].erase("clientKey");
  bad[6]["ecus"][0]["clientKey"]["keyval"]["public"] = "abcd";
  bad[7]["ecus"][0]["clientKey"]["keytype"] = "dsa";
  bad[8]["ecus"][0]["hardware_identifier"] = std::string("bad\nid");
  for (const json& registration : bad) {
    ExpectError(director_->RegisterEcus("dev-1", registration), DirectorErrc::kMalformed);
  }
  EXPECT_TRUE(Must(director_->ShowDevice("dev-1")).ecus.empty());
}

TEST_P(RegistrationTest, UppercaseKeyTypesAreAccepted) {
  TestDevice device = NewDevice("dev-1");
  json registration = device.Registration();
  registration["ecus"][0]["clientKey"]["keytype"] = "ED25519";
  EXPECT_TRUE(Must(director_->RegisterEcus("dev-1", registration)));
}

OTTER_DIRECTOR_BACKENDS(RegistrationTest);

}  // namespace
}  // namespace otter::director::testing
