// Parsing of the database URL in DatabaseConfig (internal to storage).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/database.h"

namespace otter::storage {

struct DatabaseUrl {
  Backend backend = Backend::kSqlite;
  // SQLite: the file path. PostgreSQL: the URL for libpq, with
  // application_name=otter-server added when it has no query parameter (see
  // ParsePostgresql in database_url.cc).
  std::string target;
  // The URL with the password replaced by "***".
  std::string display;
};

// sqlite:///abs/path.db (absolute), sqlite:rel/path.db (relative to the
// working directory), postgresql://... or postgres://... (libpq syntax,
// percent-encoding and ?sslmode=... included; no literal spaces). In-memory SQLite is refused:
// every pooled connection would see its own empty database.
Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url);

// "postgresql://otter:***@db:5432/otter" for "postgresql://otter:pw@db:5432/otter".
std::string RedactPassword(std::string_view url);

}  // namespace otter::storage
