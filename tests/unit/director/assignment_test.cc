// Assigning Image-repository targets to ECUs, and cancelling.
#include <soci/soci.h>

#include "unit/director/director_fixture.h"

namespace otter::director::testing {
namespace {

class AssignmentTest : public DirectorTest {};

TEST_P(AssignmentTest, AssignsToThePrimaryByDefault) {
  RegisteredDevice("dev-1", {"rpi4", "stm32"});
  const Assignment assignment = Must(director_->Assign("dev-1", "myos-1"));
  EXPECT_EQ(assignment.device_id, "dev-1");
  EXPECT_EQ(assignment.ecu_serial, "dev-1-ecu0");
  EXPECT_EQ(assignment.target.name, "myos-1");
  EXPECT_EQ(assignment.target.hashes, Target("myos-1").hashes);
  EXPECT_EQ(assignment.status, AssignmentStatus::kPending);
  EXPECT_EQ(assignment.correlation_id.size(), 36u);
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpdatePending);
}

TEST_P(AssignmentTest, AssignsToAChosenEcu) {
  RegisteredDevice("dev-1", {"rpi4", "stm32"});
  EXPECT_EQ(Must(director_->Assign("dev-1", "mcu-fw", "dev-1-ecu1")).ecu_serial, "dev-1-ecu1");
}

TEST_P(AssignmentTest, RefusesWhatCannotBeAssigned) {
  RegisteredDevice("dev-1", {"rpi4", "stm32"});
  NewDevice("dev-bare");
  ExpectError(director_->Assign("dev-1", "no-such-target"), DirectorErrc::kUnknownTarget);
  ExpectError(director_->Assign("dev-1", "mcu-fw"), DirectorErrc::kHardwareMismatch);
  ExpectError(director_->Assign("dev-1", "myos-1", "dev-1-ecu1"), DirectorErrc::kHardwareMismatch);
  ExpectError(director_->Assign("dev-1", "myos-1", "ghost"), DirectorErrc::kEcuNotFound);
  ExpectError(director_->Assign("dev-bare", "myos-1"), DirectorErrc::kNotRegistered);
  ExpectError(director_->Assign("nobody", "myos-1"), DirectorErrc::kDeviceNotFound);
  EXPECT_TRUE(Must(director_->History("dev-1")).assignments.empty());
}

TEST_P(AssignmentTest, OneOpenAssignmentPerEcu) {
  RegisteredDevice("dev-1", {"rpi4", "stm32"});
  Must(director_->Assign("dev-1", "myos-1"));
  ExpectError(director_->Assign("dev-1", "myos-2"), DirectorErrc::kAssignmentOpen);
  Must(director_->Assign("dev-1", "mcu-fw", "dev-1-ecu1"));  // another ECU is fine
  EXPECT_EQ(Must(director_->ShowDevice("dev-1")).open_assignments.size(), 2u);
}

TEST_P(AssignmentTest, TheSchemaAllowsOneOpenAssignmentPerEcu) {
  RegisteredDevice("dev-1");
  Must(director_->Assign("dev-1", "myos-1"));
  const Status second = database_->WithSession([](soci::session& sql) {
    sql << "INSERT INTO director_assignments (correlation_id, ecu_serial, device_id,"
           " target_name, target_length, target_hashes, target_custom, status, created_at,"
           " sequence) VALUES ('other', 'dev-1-ecu0', 'dev-1', 'x', 0, '{}', '{}', 'in_flight',"
           " 0, 99)";
    return Ok();
  });
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.error().Is(storage::StorageErrc::kConflict)) << second.error().message();
}

TEST_P(AssignmentTest, CancelClosesEveryOpenAssignment) {
  RegisteredDevice("dev-1", {"rpi4", "stm32"});
  Must(director_->Assign("dev-1", "myos-1"));
  Must(director_->Assign("dev-1", "mcu-fw", "dev-1-ecu1"));
  const auto cancelled = Must(director_->Cancel("dev-1"));
  ASSERT_EQ(cancelled.size(), 2u);
  EXPECT_EQ(cancelled[0].status, AssignmentStatus::kCancelled);
  EXPECT_TRUE(Must(director_->ShowDevice("dev-1")).open_assignments.empty());
  ExpectError(director_->Cancel("dev-1"), DirectorErrc::kNoOpenAssignment);
  ExpectError(director_->Cancel("nobody"), DirectorErrc::kDeviceNotFound);
  Must(director_->Assign("dev-1", "myos-2"));  // free again
}

TEST_P(AssignmentTest, AssignByHardwareIdCoversTheFleet) {
  RegisteredDevice("dev-1");
  RegisteredDevice("dev-2", {"rpi4", "rpi4"});
  RegisteredDevice("dev-3", {"stm32"});
  RegisteredDevice("dev-4");
  Must(director_->Assign("dev-4", "myos-1"));
  TestDevice revoked = RegisteredDevice("dev-5");
  MustOk(api::DeviceCredentials(*database_).Revoke("dev-5"));

  const HardwareAssignment result = Must(director_->AssignByHardwareId("rpi4", "myos-2"));
  ASSERT_EQ(result.assigned.size(), 3u);
  EXPECT_EQ(result.assigned[0].device_id, "dev-1");
  EXPECT_EQ(result.assigned[1].device_id, "dev-2");
  EXPECT_EQ(result.assigned[2].device_id, "dev-2");
  EXPECT_EQ(result.assigned[1].correlation_id, result.assigned[2].correlation_id);
  EXPECT_NE(result.assigned[0].correlation_id, result.assigned[1].correlation_id);
  ASSERT_EQ(result.skipped.size(), 2u);
  EXPECT_EQ(result.skipped[0].device_id, "dev-4");
  EXPECT_EQ(result.skipped[1].device_id, "dev-5");
  EXPECT_EQ(StateOf("dev-3"), DeviceState::kUpToDate);
}

TEST_P(AssignmentTest, AssignByHardwareIdChecksTheTarget) {
  RegisteredDevice("dev-1");
  ExpectError(director_->AssignByHardwareId("rpi4", "mcu-fw"), DirectorErrc::kHardwareMismatch);
  ExpectError(director_->AssignByHardwareId("rpi4", "nothing"), DirectorErrc::kUnknownTarget);
  EXPECT_TRUE(Must(director_->History("dev-1")).assignments.empty());
}

OTTER_DIRECTOR_BACKENDS(AssignmentTest);

}  // namespace
}  // namespace otter::director::testing
