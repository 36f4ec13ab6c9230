// The director_assignments table. Internal.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "director/director.h"

namespace soci {
class session;
}

namespace otter::director::internal {

AssignmentStatus ParseAssignmentStatus(std::string_view name);

Status InsertAssignment(soci::session& sql, const Assignment& assignment);

// Open assignments of the device, oldest first.
Result<std::vector<Assignment>> OpenAssignments(soci::session& sql, const std::string& device_id);
// Every assignment of the device, newest first.
Result<std::vector<Assignment>> DeviceAssignments(soci::session& sql, const std::string& device_id);
// The most recently closed assignment that was not cancelled.
Result<std::optional<Assignment>> LastFinishedAssignment(soci::session& sql,
                                                         const std::string& device_id);
Result<bool> HasOpenAssignment(soci::session& sql, const std::string& ecu_serial);

// The open assignments the Director serves now: those of the oldest open
// correlation id (later ones wait for it to close).
std::vector<Assignment> ServedGroup(const std::vector<Assignment>& open);

struct Closing {
  AssignmentStatus status = AssignmentStatus::kSucceeded;  // or kFailed, kCancelled
  std::string code;
  std::string description;
};
// Closes one open assignment (no effect on a closed one).
Status CloseAssignment(soci::session& sql, const Assignment& assignment, const Closing& closing,
                       TimePoint now);
// Cancels the open assignment of an ECU, if any.
Status CancelOpenForEcu(soci::session& sql, const std::string& ecu_serial,
                        const std::string& description, TimePoint now);
// pending -> in_flight for the device's assignments of that correlation id.
Status MarkInFlight(soci::session& sql, const std::string& device_id,
                    const std::string& correlation_id);

}  // namespace otter::director::internal
