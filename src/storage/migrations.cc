#include "storage/migrations.h"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <thread>

#include "storage/errors.h"
#include "storage/sql_session.h"

namespace otter::storage {
namespace {

// The PostgreSQL advisory-lock key that serializes migrations: "otter" plus
// 1 in the low byte. Advisory locks are per database, so one key suffices.
constexpr long long kMigrationLockKey = 0x6f74746572000001;

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

constexpr std::chrono::milliseconds kRetryPause{100};

struct Applied {
  long long version = 0;
  std::string name;
};

std::string Describe(const Migration& migration) {
  return "migration v" + std::to_string(migration.version) + " (" + migration.name + ")";
}

Status ValidateOne(const Migration& migration) {
  if (migration.name.empty() || migration.statements.empty()) {
    return MakeError(StorageErrc::kInvalidArgument, "has no name or no statements");
  }
  for (std::size_t i = 0; i < migration.statements.size(); ++i) {
    OTTER_TRY_CONTEXT(CheckSingleStatement(migration.statements[i]),
                      "statement " + std::to_string(i + 1));
  }
  return Ok();
}

Status Validate(const std::vector<Migration>& migrations) {
  std::int64_t previous = 0;
  for (const Migration& migration : migrations) {
    if (migration.version <= previous) {
      return MakeError(StorageErrc::kInvalidArgument,
                       Describe(migration) + ": versions must be positive and increasing");
    }
    OTTER_TRY_CONTEXT(ValidateOne(migration), Describe(migration));
    previous = migration.version;
  }
  return Ok();
}

std::vector<Applied> ReadApplied(soci::session& session) {
  Applied row;
  soci::statement select =
      (session.prepare << "SELECT version, name FROM schema_migrations ORDER BY version",
       soci::into(row.version), soci::into(row.name));
  select.execute();
  std::vector<Applied> applied;
  while (select.fetch()) applied.push_back(row);
  return applied;
}

const Migration* Find(const std::vector<Migration>& migrations, long long version) {
  for (const Migration& migration : migrations) {
    if (migration.version == version) return &migration;
  }
  return nullptr;
}

// Every applied migration must be one the program knows, under its name.
Status CheckAppliedKnown(const std::vector<Applied>& applied,
                         const std::vector<Migration>& migrations) {
  for (const Applied& row : applied) {
    const Migration* known = Find(migrations, row.version);
    const std::string version = "v" + std::to_string(row.version);
    if (known == nullptr) {
      return MakeError(StorageErrc::kMigration, "the database has migration " + version + " (" +
                                                    row.name + "), which this program lacks");
    }
    if (known->name != row.name) {
      return MakeError(StorageErrc::kMigration, "database migration " + version + " is \"" +
                                                    row.name + "\", this program's is \"" +
                                                    known->name + "\"");
    }
  }
  return Ok();
}

// The next migration to apply, or null when the database is current.
Result<const Migration*> NextMigration(const std::vector<Applied>& applied,
                                       const std::vector<Migration>& migrations,
                                       const MigrateOptions& options) {
  const long long newest = applied.empty() ? 0 : applied.back().version;
  const long long known = migrations.empty() ? 0 : migrations.back().version;
  if (newest > known) {
    return MakeError(StorageErrc::kSchemaTooNew, "database schema v" + std::to_string(newest) +
                                                     " is newer than this " + options.program +
                                                     " (v" + std::to_string(known) + ")");
  }
  OTTER_TRY(CheckAppliedKnown(applied, migrations));
  for (const Migration& migration : migrations) {
    if (migration.version > newest) return &migration;
    if (std::none_of(applied.begin(), applied.end(),
                     [&](const Applied& row) { return row.version == migration.version; })) {
      return MakeError(StorageErrc::kMigration, Describe(migration) +
                                                    " is missing from the database, which is at v" +
                                                    std::to_string(newest));
    }
  }
  return nullptr;
}

long long UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Apply(soci::session& session, const Migration& migration) {
  for (std::size_t i = 0; i < migration.statements.size(); ++i) {
    const std::string& statement = migration.statements[i];
    Status status = CallCatching(session, [&statement](soci::session& s) {
      s << statement;
      return Ok();
    });
    if (status.ok()) continue;
    if (status.error().Is(StorageErrc::kBusy)) return std::move(status).error();
    return MakeError(StorageErrc::kMigration,
                     "statement " + std::to_string(i + 1) + ": " + status.error().message());
  }
  long long version = migration.version;
  long long applied_at = UnixNow();
  session << "INSERT INTO schema_migrations (version, name, applied_at) "
             "VALUES (:version, :name, :applied_at)",
      soci::use(version), soci::use(migration.name), soci::use(applied_at);
  return Ok();
}

// One step under the migration lock: applies the next missing migration.
// False when there was none.
Result<bool> Step(Database& database, const std::vector<Migration>& migrations,
                  const MigrateOptions& options) {
  const bool postgresql = database.backend() == Backend::kPostgresql;
  return database.WithTransaction([&](soci::session& session) -> Result<bool> {
    if (postgresql) session << "SELECT pg_advisory_xact_lock(" << kMigrationLockKey << ")";
    session << kCreateTable;
    OTTER_ASSIGN(const Migration* next, NextMigration(ReadApplied(session), migrations, options));
    if (next == nullptr) return false;
    OTTER_TRY_CONTEXT(Apply(session, *next), "applying " + Describe(*next));
    return true;
  });
}

// Skips blanks and comments from `i`; returns false at an unterminated
// block comment.
bool SkipBlank(std::string_view sql, std::size_t& i) {
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i]))) {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) i = sql.size();
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i + 2);
      if (i == std::string_view::npos) return false;
      i += 2;
    } else {
      break;
    }
  }
  return true;
}

}  // namespace

Status CheckSingleStatement(std::string_view sql) {
  std::size_t i = 0;
  if (!SkipBlank(sql, i) || i == sql.size()) {
    return MakeError(StorageErrc::kInvalidArgument, "empty SQL statement");
  }
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // A doubled quote inside reads as two adjacent literals: same result.
      const auto end = sql.find(c, i + 1);
      if (end == std::string_view::npos) return Ok();  // the database reports it
      i = end + 1;
    } else if (c == ';') {
      ++i;
      if (!SkipBlank(sql, i) || i != sql.size()) {
        return MakeError(StorageErrc::kInvalidArgument,
                         "more than one SQL statement in one string");
      }
    } else if (sql.substr(i, 2) == "--" || sql.substr(i, 2) == "/*") {
      if (!SkipBlank(sql, i)) return Ok();
    } else {
      ++i;
    }
  }
  return Ok();
}

Result<std::int64_t> Migrate(Database& database, const std::vector<Migration>& migrations,
                             const MigrateOptions& options) {
  OTTER_TRY_CONTEXT(Validate(migrations), "schema migrations");
  const auto deadline = std::chrono::steady_clock::now() + options.lock_wait;
  while (true) {
    Result<bool> step = Step(database, migrations, options);
    if (!step.ok() && step.error().Is(StorageErrc::kBusy) &&
        std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kRetryPause);
      continue;
    }
    if (!step.ok()) return std::move(step).error().WithContext("migrating the database schema");
    if (!*step) break;
  }
  return migrations.empty() ? 0 : migrations.back().version;
}

Result<std::int64_t> SchemaVersion(Database& database) {
  const bool sqlite = database.backend() == Backend::kSqlite;
  return database.WithSession([sqlite](soci::session& session) -> Result<std::int64_t> {
    long long tables = 0;
    if (sqlite) {
      session << "SELECT count(*) FROM sqlite_master "
                 "WHERE type = 'table' AND name = 'schema_migrations'",
          soci::into(tables);
    } else {
      session << "SELECT count(*) FROM information_schema.tables "
                 "WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
          soci::into(tables);
    }
    if (tables == 0) return std::int64_t{0};
    long long version = 0;
    session << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", soci::into(version);
    return std::int64_t{version};
  });
}

}  // namespace otter::storage
