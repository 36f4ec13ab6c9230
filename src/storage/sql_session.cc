#include "storage/sql_session.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <string>
#include <string_view>
#include <typeinfo>

#include "storage/errors.h"

namespace otter::storage {
namespace {

void TrimEnd(std::string& text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '.' || text.back() == '\n')) {
    text.pop_back();
  }
}

// The first line of a backend message, without SOCI's "class::method: " and
// "Cannot execute query. " prefixes; for a failed connection, the libpq
// reason on the second line too. PostgreSQL's DETAIL line (which quotes the
// offending values) and SOCI's context (which quotes the bound values) are
// left out on purpose.
std::string CleanMessage(const std::string& message) {
  const auto first_end = message.find('\n');
  std::string text = message.substr(0, first_end);
  const auto prefix_end = text.find(": ");
  if (prefix_end != std::string::npos &&
      text.substr(0, prefix_end).find("::") != std::string::npos) {
    text.erase(0, prefix_end + 2);
  }
  constexpr std::string_view kNoise[] = {"Cannot execute query. ", "Fatal error. ", "ERROR:  "};
  for (const std::string_view noise : kNoise) {
    if (text.starts_with(noise)) text.erase(0, noise.size());
  }
  TrimEnd(text);
  if (text.ends_with("Cannot establish connection to the database") &&
      first_end != std::string::npos) {
    std::string reason = message.substr(first_end + 1);
    reason = reason.substr(0, reason.find('\n'));
    TrimEnd(reason);
    text = "cannot connect: " + reason;
  }
  return text.empty() ? "unknown database error" : text;
}

StorageErrc SqliteCode(int code) {
  using namespace sqlite_api;
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return StorageErrc::kConflict;
  }
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return StorageErrc::kConstraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StorageErrc::kBusy;
    case SQLITE_FULL:
      return StorageErrc::kNoSpace;
    default:
      return StorageErrc::kDatabase;
  }
}

StorageErrc PostgresqlCode(const std::string& sqlstate) {
  if (sqlstate == "23505") return StorageErrc::kConflict;  // unique_violation
  if (sqlstate.starts_with("23")) return StorageErrc::kConstraint;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate == "57014") {
    return StorageErrc::kBusy;  // serialization, deadlock, lock timeout, statement timeout
  }
  if (sqlstate == "53100") return StorageErrc::kNoSpace;  // disk_full
  return StorageErrc::kDatabase;
}

StorageErrc CodeOf(const soci::soci_error& error) {
  if (const auto* sqlite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    return SqliteCode(sqlite->result());
  }
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    return PostgresqlCode(pg->sqlstate());
  }
  if (error.get_error_category() == soci::soci_error::constraint_violation) {
    return StorageErrc::kConstraint;
  }
  return StorageErrc::kDatabase;
}

sqlite_api::sqlite3* SqliteHandle(soci::session& session) {
  return static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_;
}

PGconn* PostgresqlHandle(soci::session& session) {
  return static_cast<soci::postgresql_session_backend*>(session.get_backend())->conn_;
}

// Throws soci_error on failure, like the statements it runs.
Status ConfigureSqlite(soci::session& session, std::chrono::milliseconds busy_timeout) {
  // Constraint errors then say which constraint (UNIQUE vs FOREIGN KEY).
  sqlite_api::sqlite3_extended_result_codes(SqliteHandle(session), 1);
  // First, so that the journal-mode switch below waits for other openers.
  session << "PRAGMA busy_timeout = " + std::to_string(busy_timeout.count());
  std::string journal_mode;
  session << "PRAGMA journal_mode = WAL", soci::into(journal_mode);
  if (journal_mode != "wal") {
    return MakeError(StorageErrc::kDatabase,
                     "cannot enable WAL mode (journal_mode is " + journal_mode + ")");
  }
  session << "PRAGMA synchronous = NORMAL";
  session << "PRAGMA foreign_keys = ON";
  int foreign_keys = 0;
  session << "PRAGMA foreign_keys", soci::into(foreign_keys);
  if (foreign_keys != 1) {
    return MakeError(StorageErrc::kDatabase, "this SQLite does not enforce foreign keys");
  }
  return Ok();
}

Status ConnectOrThrow(soci::session& session, const DatabaseUrl& url,
                      std::chrono::milliseconds busy_timeout) {
  if (url.backend == Backend::kSqlite) {
    session.open(soci::sqlite3, "db=\"" + url.target + "\"");
    return ConfigureSqlite(session, busy_timeout);
  }
  session.open(soci::postgresql, url.target);
  session << "SET lock_timeout = " + std::to_string(busy_timeout.count());
  // libpq prints NOTICEs ("relation ... already exists, skipping") to stderr.
  session << "SET client_min_messages = warning";
  return Ok();
}

}  // namespace

Error TranslateSqlError(const soci::soci_error& error) {
  return MakeError(CodeOf(error), CleanMessage(error.get_error_message()));
}

Status CallCatching(soci::session& session, const Database::SessionFunction& fn) {
  try {
    return fn(session);
  } catch (const soci::soci_error& error) {
    return TranslateSqlError(error);
  } catch (const std::bad_cast&) {
    return MakeError(StorageErrc::kDatabase, "column of an unexpected type");
  }
}

Status Connect(soci::session& session, const DatabaseUrl& url,
               std::chrono::milliseconds busy_timeout) {
  Status status =
      CallCatching(session, [&](soci::session& s) { return ConnectOrThrow(s, url, busy_timeout); });
  if (!status.ok()) return std::move(status).error().WithContext("connecting to " + url.display);
  return Ok();
}

Status Revive(soci::session& session, const DatabaseUrl& url,
              std::chrono::milliseconds busy_timeout) {
  if (session.get_backend() != nullptr) {
    if (url.backend == Backend::kSqlite) return Ok();
    if (PQstatus(PostgresqlHandle(session)) == CONNECTION_OK) return Ok();
    session.close();
  }
  return Connect(session, url, busy_timeout);
}

void Tidy(soci::session& session, Backend backend) noexcept {
  if (session.get_backend() == nullptr) return;
  bool in_transaction = false;
  if (backend == Backend::kSqlite) {
    in_transaction = sqlite_api::sqlite3_get_autocommit(SqliteHandle(session)) == 0;
  } else {
    const PGTransactionStatusType state = PQtransactionStatus(PostgresqlHandle(session));
    in_transaction = state != PQTRANS_IDLE;
  }
  if (!in_transaction) return;
  try {
    session << "ROLLBACK";
  } catch (...) {
    // The session's state is unknown: Revive() opens it afresh.
    session.close();
  }
}

}  // namespace otter::storage
