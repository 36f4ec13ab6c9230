#include "director/assignment_records.h"

#include <soci/soci.h>

#include "director/sql_util.h"
#include "storage/errors.h"
#include "uptane/tuf_json.h"

namespace otter::director::internal {
namespace {

using nlohmann::json;

constexpr const char* kColumns =
    "SELECT correlation_id, ecu_serial, device_id, target_name, target_length, target_hashes,"
    " target_custom, status, result_code, result_description, created_at, closed_at"
    " FROM director_assignments ";

constexpr const char* kOpen = "status IN ('pending', 'in_flight')";

struct Row {
  Assignment assignment;
  long long length = 0, created_at = 0, closed_at = 0;
  std::string hashes, custom, status, code, description;
  soci::indicator code_null = soci::i_ok, description_null = soci::i_ok, closed_null = soci::i_ok;
};

Result<uptane::TargetFile> ReadTarget(const Row& row) {
  const json entry = {{"length", row.length},
                      {"hashes", ParseJsonText(row.hashes)},
                      {"custom", ParseJsonText(row.custom)}};
  auto target = uptane::ParseTargetFile(row.assignment.target.name, entry);
  if (!target) {
    return MakeError(storage::StorageErrc::kDatabase,
                     "stored assignment target: " + target.error().message());
  }
  return target;
}

Result<Assignment> ReadAssignment(const Row& row) {
  Assignment assignment = row.assignment;
  OTTER_ASSIGN(assignment.target, ReadTarget(row));
  assignment.status = ParseAssignmentStatus(row.status);
  assignment.result_code = row.code_null == soci::i_ok ? row.code : "";
  assignment.result_description = row.description_null == soci::i_ok ? row.description : "";
  assignment.created_at = FromSeconds(row.created_at);
  assignment.closed_at.reset();
  if (row.closed_null == soci::i_ok) assignment.closed_at = FromSeconds(row.closed_at);
  return assignment;
}

// kColumns + `rest`, with one parameter :device_id.
Result<std::vector<Assignment>> Select(soci::session& sql, const std::string& rest,
                                       const std::string& device_id) {
  std::vector<Assignment> out;
  Row row;
  Assignment& a = row.assignment;
  soci::statement select =
      (sql.prepare << std::string(kColumns) + rest, soci::into(a.correlation_id),
       soci::into(a.ecu_serial), soci::into(a.device_id), soci::into(a.target.name),
       soci::into(row.length), soci::into(row.hashes), soci::into(row.custom),
       soci::into(row.status), soci::into(row.code, row.code_null),
       soci::into(row.description, row.description_null), soci::into(row.created_at),
       soci::into(row.closed_at, row.closed_null), soci::use(device_id, "device_id"));
  select.execute();
  while (select.fetch()) {
    OTTER_ASSIGN(Assignment assignment, ReadAssignment(row));
    out.push_back(std::move(assignment));
  }
  return out;
}

}  // namespace

AssignmentStatus ParseAssignmentStatus(std::string_view name) {
  for (AssignmentStatus status :
       {AssignmentStatus::kPending, AssignmentStatus::kInFlight, AssignmentStatus::kSucceeded,
        AssignmentStatus::kFailed, AssignmentStatus::kCancelled}) {
    if (AssignmentStatusName(status) == name) return status;
  }
  return AssignmentStatus::kPending;
}

Status InsertAssignment(soci::session& sql, const Assignment& assignment) {
  const uptane::TargetFile& target = assignment.target;
  const long long length = static_cast<long long>(target.length);
  const std::string hashes = JsonText(json(target.hashes));
  const json entry = uptane::ToJson(target);
  const std::string custom = JsonText(entry.value("custom", json::object()));
  const std::string status(AssignmentStatusName(assignment.status));
  const long long created_at = Seconds(assignment.created_at);
  long long sequence = 0;
  sql << "SELECT COALESCE(MAX(sequence), 0) FROM director_assignments"
         " WHERE device_id = :device_id",
      soci::use(assignment.device_id), soci::into(sequence);
  ++sequence;
  sql << "INSERT INTO director_assignments (correlation_id, ecu_serial, device_id, target_name,"
         " target_length, target_hashes, target_custom, status, created_at, sequence) VALUES"
         " (:correlation_id, :ecu_serial, :device_id, :target_name, :target_length,"
         " :target_hashes, :target_custom, :status, :created_at, :sequence)",
      soci::use(assignment.correlation_id), soci::use(assignment.ecu_serial),
      soci::use(assignment.device_id), soci::use(target.name), soci::use(length), soci::use(hashes),
      soci::use(custom), soci::use(status), soci::use(created_at), soci::use(sequence);
  return Ok();
}

Result<std::vector<Assignment>> OpenAssignments(soci::session& sql, const std::string& device_id) {
  return Select(sql,
                std::string("WHERE device_id = :device_id AND ") + kOpen + " ORDER BY sequence",
                device_id);
}

Result<std::vector<Assignment>> DeviceAssignments(soci::session& sql,
                                                  const std::string& device_id) {
  return Select(sql,
                "WHERE device_id = :device_id"
                " ORDER BY sequence DESC",
                device_id);
}

Result<std::optional<Assignment>> LastFinishedAssignment(soci::session& sql,
                                                         const std::string& device_id) {
  OTTER_ASSIGN(auto rows, Select(sql,
                                 "WHERE device_id = :device_id"
                                 " AND status IN ('succeeded', 'failed')"
                                 " ORDER BY closed_at DESC, sequence DESC LIMIT 1",
                                 device_id));
  if (rows.empty()) return std::optional<Assignment>();
  return std::optional<Assignment>(std::move(rows.front()));
}

Result<bool> HasOpenAssignment(soci::session& sql, const std::string& ecu_serial) {
  long long count = 0;
  sql << std::string("SELECT count(*) FROM director_assignments WHERE ecu_serial = :serial AND ") +
             kOpen,
      soci::use(ecu_serial), soci::into(count);
  return count > 0;
}

std::vector<Assignment> ServedGroup(const std::vector<Assignment>& open) {
  std::vector<Assignment> group;
  for (const Assignment& assignment : open) {
    if (assignment.correlation_id == open.front().correlation_id) group.push_back(assignment);
  }
  return group;
}

Status CloseAssignment(soci::session& sql, const Assignment& assignment, const Closing& closing,
                       TimePoint now) {
  const std::string status(AssignmentStatusName(closing.status));
  const long long closed_at = Seconds(now);
  sql << std::string(
             "UPDATE director_assignments SET status = :status, result_code = :code,"
             " result_description = :description, closed_at = :closed_at"
             " WHERE correlation_id = :correlation_id AND ecu_serial = :ecu_serial AND ") +
             kOpen,
      soci::use(status), soci::use(closing.code), soci::use(closing.description),
      soci::use(closed_at), soci::use(assignment.correlation_id), soci::use(assignment.ecu_serial);
  return Ok();
}

Status CancelOpenForEcu(soci::session& sql, const std::string& ecu_serial,
                        const std::string& description, TimePoint now) {
  const long long closed_at = Seconds(now);
  sql << std::string(
             "UPDATE director_assignments SET status = 'cancelled',"
             " result_code = 'CANCELLED', result_description = :description,"
             " closed_at = :closed_at WHERE ecu_serial = :ecu_serial AND ") +
             kOpen,
      soci::use(description), soci::use(closed_at), soci::use(ecu_serial);
  return Ok();
}

Status MarkInFlight(soci::session& sql, const std::string& device_id,
                    const std::string& correlation_id) {
  sql << "UPDATE director_assignments SET status = 'in_flight' WHERE device_id = :device_id"
         " AND correlation_id = :correlation_id AND status = 'pending'",
      soci::use(device_id), soci::use(correlation_id);
  return Ok();
}

}  // namespace otter::director::internal

namespace otter::director {

std::string_view AssignmentStatusName(AssignmentStatus status) {
  switch (status) {
    case AssignmentStatus::kPending:
      return "pending";
    case AssignmentStatus::kInFlight:
      return "in_flight";
    case AssignmentStatus::kSucceeded:
      return "succeeded";
    case AssignmentStatus::kFailed:
      return "failed";
    case AssignmentStatus::kCancelled:
      return "cancelled";
  }
  return "pending";
}

}  // namespace otter::director
