#include "director/schema.h"

namespace otter::director {

std::vector<std::string> Schema() {
  return {
      // One row per ECU; a serial belongs to one device only.
      "CREATE TABLE IF NOT EXISTS director_ecus ("
      " serial TEXT PRIMARY KEY,"
      " device_id TEXT NOT NULL REFERENCES devices(id),"
      " hardware_id TEXT NOT NULL,"
      " public_key TEXT NOT NULL,"  // TUF key object, canonical JSON
      " is_primary INTEGER NOT NULL CHECK (is_primary IN (0, 1)),"
      " report_counter BIGINT,"  // the last accepted; NULL before the first
      " installed_filepath TEXT,"
      " installed_length BIGINT,"
      " installed_sha256 TEXT,"
      " updated_at BIGINT NOT NULL)",
      "CREATE INDEX IF NOT EXISTS director_ecus_device ON director_ecus (device_id)",
      "CREATE INDEX IF NOT EXISTS director_ecus_hardware ON director_ecus (hardware_id)",

      // An update of one ECU. ECUs assigned together share a correlation id.
      "CREATE TABLE IF NOT EXISTS director_assignments ("
      " correlation_id TEXT NOT NULL,"
      " ecu_serial TEXT NOT NULL,"
      " device_id TEXT NOT NULL REFERENCES devices(id),"
      " target_name TEXT NOT NULL,"
      " target_length BIGINT NOT NULL,"
      " target_hashes TEXT NOT NULL,"  // JSON object
      " target_custom TEXT NOT NULL,"  // JSON object, as the Image repository lists it
      " status TEXT NOT NULL CHECK (status IN"
      "  ('pending', 'in_flight', 'succeeded', 'failed', 'cancelled')),"
      " result_code TEXT,"
      " result_description TEXT,"
      " created_at BIGINT NOT NULL,"
      " closed_at BIGINT,"
      " sequence BIGINT NOT NULL,"  // per device, in the order assigned
      " PRIMARY KEY (correlation_id, ecu_serial))",
      "CREATE UNIQUE INDEX IF NOT EXISTS director_assignments_one_open"
      " ON director_assignments (ecu_serial) WHERE status IN ('pending', 'in_flight')",
      "CREATE INDEX IF NOT EXISTS director_assignments_device"
      " ON director_assignments (device_id, sequence)",

      // The Director root, shared by every device.
      "CREATE TABLE IF NOT EXISTS director_roots ("
      " version BIGINT PRIMARY KEY,"
      " body TEXT NOT NULL,"
      " created_at BIGINT NOT NULL)",

      // Every version of every device's targets, snapshot and timestamp.
      "CREATE TABLE IF NOT EXISTS director_metadata ("
      " device_id TEXT NOT NULL REFERENCES devices(id),"
      " role TEXT NOT NULL CHECK (role IN ('targets', 'snapshot', 'timestamp')),"
      " version BIGINT NOT NULL,"
      " body TEXT NOT NULL,"
      " digest TEXT NOT NULL,"  // of what the version was signed from
      " expires_at BIGINT NOT NULL,"
      " created_at BIGINT NOT NULL,"
      " PRIMARY KEY (device_id, role, version))",

      // Installation reports; the id is a digest of the device and the report,
      // so a report sent twice is stored once.
      "CREATE TABLE IF NOT EXISTS director_reports ("
      " id TEXT PRIMARY KEY,"
      " device_id TEXT NOT NULL REFERENCES devices(id),"
      " correlation_id TEXT NOT NULL,"
      " success INTEGER NOT NULL CHECK (success IN (0, 1)),"
      " result_code TEXT NOT NULL,"
      " result_description TEXT NOT NULL,"
      " body TEXT NOT NULL,"
      " received_at BIGINT NOT NULL)",
      "CREATE INDEX IF NOT EXISTS director_reports_device"
      " ON director_reports (device_id, received_at)",

      // Device events, stored once per device event id.
      "CREATE TABLE IF NOT EXISTS director_events ("
      " device_id TEXT NOT NULL REFERENCES devices(id),"
      " event_id TEXT NOT NULL,"
      " event_type TEXT NOT NULL,"
      " device_time TEXT NOT NULL,"
      " ecu_serial TEXT NOT NULL,"
      " correlation_id TEXT NOT NULL,"
      " body TEXT NOT NULL,"
      " received_at BIGINT NOT NULL,"
      " PRIMARY KEY (device_id, event_id))",
      "CREATE INDEX IF NOT EXISTS director_events_received"
      " ON director_events (device_id, received_at)",

      // The latest of each kind of device data.
      "CREATE TABLE IF NOT EXISTS director_device_data ("
      " device_id TEXT NOT NULL REFERENCES devices(id),"
      " kind TEXT NOT NULL CHECK (kind IN"
      "  ('system_info', 'network', 'config', 'installed_packages', 'manifest')),"
      " body TEXT NOT NULL,"
      " updated_at BIGINT NOT NULL,"
      " PRIMARY KEY (device_id, kind))",

      "CREATE TABLE IF NOT EXISTS director_device_seen ("
      " device_id TEXT PRIMARY KEY REFERENCES devices(id),"
      " last_seen BIGINT NOT NULL)",
  };
}

}  // namespace otter::director
