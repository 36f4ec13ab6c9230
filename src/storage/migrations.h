// Versioned schema migrations.
//
// The program carries its schema as a list of migrations, versions strictly
// increasing (1, 2, 3, ...). Migrate() applies the ones the database lacks,
// in order, each in its own transaction together with its row in
//
//   schema_migrations (version BIGINT PRIMARY KEY, name TEXT, applied_at BIGINT)
//
// so a migration is either applied and recorded or not at all.
//
// Several servers may start at once against one database: each step runs
// under a lock (PostgreSQL: pg_advisory_xact_lock on a fixed key, released
// at commit or rollback; SQLite: BEGIN IMMEDIATE) and re-reads what is
// applied, so no migration runs twice. A server that waits longer than the
// busy timeout retries until `lock_wait` has passed.
//
// Migrate() refuses (kSchemaTooNew) a database that a newer otter-server has
// migrated: "database schema v7 is newer than this otter-server (v5)". It
// also refuses (kMigration) a database whose applied migrations differ from
// the list: a version missing below the newest applied one, or another name
// under the same version. Released migrations are never edited or
// renumbered; a change is a new migration.
//
// Statements follow the portable-SQL rules of database.h, one statement per
// string.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/database.h"

namespace otter::storage {

struct Migration {
  std::int64_t version = 0;  // > 0, strictly increasing through the list
  std::string name;          // short snake_case description
  std::vector<std::string> statements;
};

struct MigrateOptions {
  // Waiting for another server that is migrating the same database.
  std::chrono::milliseconds lock_wait{std::chrono::minutes(5)};
  // Program name in the schema-too-new message.
  std::string program = "otter-server";
};

// Applies the missing migrations and returns the schema version reached (the
// last migration's version, or 0 for an empty list).
Result<std::int64_t> Migrate(Database& database, const std::vector<Migration>& migrations,
                             const MigrateOptions& options = {});

// The newest applied version, 0 for a database never migrated.
Result<std::int64_t> SchemaVersion(Database& database);

// Fails (kInvalidArgument) when `sql` holds more than one statement. Quotes
// and comments are understood; a trailing ';' is allowed.
Status CheckSingleStatement(std::string_view sql);

}  // namespace otter::storage
