// The schema of otter-server: every module's tables, as versioned migrations.
#pragma once

#include <vector>

#include "storage/migrations.h"

namespace otter::server {

// Migration 1 creates every module's tables. A later schema change is a new
// migration appended here, never an edit of a released one.
std::vector<storage::Migration> ServerMigrations();

}  // namespace otter::server
