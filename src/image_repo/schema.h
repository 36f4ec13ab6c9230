// The tables of the Image repository.
//
//   image_metadata      every signed metadata version, as the exact bytes
//                       served: (role, version) -> body. Rows are only ever
//                       added; one publication (targets + snapshot +
//                       timestamp) commits together, so the newest timestamp
//                       always names a snapshot and targets that exist.
//   image_target_files  every (target name, sha256) ever published, so that
//                       consistent-snapshot content URLs keep working after
//                       the targets change.
//   image_repo_lock     one row; each signing transaction updates it first,
//                       which serialises signers across servers on PostgreSQL
//                       (SQLite's BEGIN IMMEDIATE does so already).
#pragma once

#include <string>
#include <vector>

namespace otter::image_repo {

std::vector<std::string> Schema();

}  // namespace otter::image_repo
