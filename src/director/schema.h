// The tables of the director module (portable SQL, see storage/database.h).
// They reference devices(id) from api::Schema(), which must come first.
#pragma once

#include <string>
#include <vector>

namespace otter::director {

// director_ecus, director_assignments (at most one open per ECU, by a partial
// unique index), director_roots, director_metadata (per-device signed
// targets/snapshot/timestamp versions), director_reports, director_events,
// director_device_data and director_device_seen.
std::vector<std::string> Schema();

}  // namespace otter::director
