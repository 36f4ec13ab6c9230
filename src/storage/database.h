// The SQL database of otter-server: SQLite (embedded default) or PostgreSQL
// (scale-out), reached through SOCI with a small connection pool.
//
//   OTTER_ASSIGN(auto db, storage::Database::Open({.url = "sqlite:///var/lib/otter/otter.db"}));
//   Status added = db.WithTransaction([&](soci::session& sql) -> Status {
//     sql << "INSERT INTO devices (id, created_at) VALUES (:id, :now)",
//         soci::use(id), soci::use(now);
//     return Ok();
//   });
//   if (added.error().Is(storage::StorageErrc::kConflict)) ...  // HTTP 409
//
// Callers include <soci/soci.h> and write SQL against the soci::session they
// are handed. SOCI throws; WithSession/WithTransaction are the boundary where
// its exceptions become Errors: a unique or primary-key violation is
// kConflict, another constraint kConstraint, a lock or pool timeout kBusy,
// anything else kDatabase. Messages never contain bound values (tokens,
// passwords). Other exceptions are not caught: a transaction rolls back and
// the exception continues to the caller.
//
// SOCI runs `sql << "...", soci::use(x)` when the full expression ends, after
// its temporaries are destroyed: soci::use() takes named variables only,
// never a temporary such as soci::use(std::string(...)) or soci::use(a + b).
//
// Portable SQL. Every statement must run unchanged on SQLite 3.40 and
// PostgreSQL 15 (the Debian 12 versions):
//  - One statement per string. SQLite silently ignores everything after the
//    first statement; PostgreSQL refuses it. (Migrate() checks this.)
//  - Types: BIGINT for every integer (bind `long long`, not `long` or
//    `int64_t`, which SOCI 4.0 maps differently per platform), TEXT for
//    strings, no VARCHAR(n) (SQLite does not enforce the length). Binary
//    data is stored as TEXT, hex or base64: BLOB and BYTEA differ. No
//    BOOLEAN: INTEGER 0/1 with a CHECK. No REAL for money or versions.
//  - Time is BIGINT unix seconds (UTC) computed by the program: no
//    CURRENT_TIMESTAMP, now(), datetime() or time zones in SQL.
//  - Keys are chosen by the program (UUIDs, hashes, names): no
//    AUTOINCREMENT, SERIAL, IDENTITY or rowid. INTEGER PRIMARY KEY means a
//    rowid alias in SQLite and nothing special in PostgreSQL.
//  - Placeholders are SOCI's `:name` (translated to $n for PostgreSQL).
//  - Upserts with `INSERT ... ON CONFLICT (cols) DO UPDATE SET c = excluded.c`
//    or `DO NOTHING`; RETURNING is fine. Never `INSERT OR REPLACE/IGNORE`.
//  - Identifiers are unquoted lower_snake_case (PostgreSQL folds case).
//  - LIKE is case-insensitive in SQLite and case-sensitive in PostgreSQL:
//    compare with `=` or lower(x) = lower(:y). Text ORDER BY follows the
//    PostgreSQL database collation: create it with LC_COLLATE 'C' (see
//    scripts/postgres-test-server) or order by non-text columns.
//  - Do not rely on SQLite's loose typing: compare TEXT with TEXT and
//    integers with integers.
//  - DDL: CREATE TABLE/INDEX IF NOT EXISTS; ALTER TABLE only ADD COLUMN and
//    RENAME; other changes copy into a new table and rename it. Nothing
//    that refuses to run in a transaction (CREATE INDEX CONCURRENTLY).
//  - Foreign keys are enforced on both (SQLite connections set
//    foreign_keys=ON).
//  - Do not catch a SOCI exception inside a transaction and carry on: after
//    a failed statement PostgreSQL refuses everything up to the rollback,
//    while SQLite carries on. (Commit() then fails on PostgreSQL.) Check
//    first (SELECT, or INSERT ... ON CONFLICT DO NOTHING) instead.
//
// Transactions. WithTransaction() takes the write lock up front on SQLite
// (BEGIN IMMEDIATE): a deferred transaction that reads and then writes can
// fail with SQLITE_BUSY without waiting, whatever the busy timeout. Read-only
// work uses WithReadTransaction() (a snapshot; PostgreSQL refuses writes in
// it) or WithSession() for single statements in autocommit mode. Nothing
// retries automatically, because `fn` may have side effects; a kBusy error is
// safe to retry.
//
// SQLite connection settings (each pooled connection):
//  - journal_mode=WAL: readers do not block the writer nor the writer the
//    readers, so the pool serves reads concurrently with one write.
//  - synchronous=NORMAL: the WAL is fsynced at checkpoints rather than at
//    every commit. A killed or crashed process loses nothing and the file is
//    always consistent; a power loss or kernel crash may roll back the last
//    commits before it. SQLite documents this as the intended setting for
//    WAL; FULL would cost an fsync per commit, which bounds how many device
//    reports one server can write. Clients repeat what was lost (devices
//    report again; a publisher sees its upload missing).
//  - foreign_keys=ON: SQLite enforces REFERENCES only when asked, per
//    connection.
//  - busy_timeout: a writer waits for the lock this long before kBusy.
// On PostgreSQL the same timeout is set as lock_timeout.
//
// The SQLite file must be on a local file system: WAL needs shared memory
// between the connections, which network file systems do not provide.
// Several servers on one host may share it; servers on several hosts use
// PostgreSQL.
//
// A Database may be used from several threads at once. It must outlive every
// WithSession call; do not nest them on one thread (with every connection
// leased, the inner call waits and times out).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "common/result.h"
#include "storage/errors.h"

namespace soci {
class session;
}

namespace otter::storage {

enum class Backend { kSqlite, kPostgresql };

struct DatabaseConfig {
  // sqlite:///absolute/path/otter.db, sqlite:relative/path.db, or a libpq
  // URL: postgresql://user:password@host:5432/dbname?sslmode=require.
  std::string url;
  std::size_t pool_size = 4;
  // How long a statement waits for a lock held by another connection.
  std::chrono::milliseconds busy_timeout{5000};
  // How long WithSession waits for a free pooled connection.
  std::chrono::milliseconds acquire_timeout{30000};
};

enum class TransactionMode {
  kWrite,  // SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN
  kRead,   // SQLite: BEGIN (deferred); PostgreSQL: BEGIN READ ONLY
};

// An open transaction on one session: Commit() or the destructor rolls back.
// WithTransaction() is the usual way; this is for code that already holds a
// session and needs several transactions on it.
class Transaction {
 public:
  static Result<Transaction> Begin(soci::session& session, Backend backend,
                                   TransactionMode mode = TransactionMode::kWrite);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Status Commit();
  Status Rollback();

 private:
  explicit Transaction(soci::session* session) : session_(session) {}
  soci::session* session_;  // null once committed or rolled back
};

class Database {
 public:
  using SessionFunction = std::function<Status(soci::session&)>;

  // Connects every pooled session (and for SQLite applies the settings
  // above). Fails with kInvalidConfig for a malformed URL, kDatabase when a
  // connection cannot be made.
  static Result<Database> Open(const DatabaseConfig& config);

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  Backend backend() const;
  // The URL with any password replaced by "***", for logs and messages.
  const std::string& display_url() const;

  // Runs fn(session) on a pooled session in autocommit mode. `fn` returns
  // Status or Result<T>; so does WithSession.
  template <typename Fn>
  auto WithSession(Fn&& fn) {
    return Adapt(fn, [this](const SessionFunction& f) { return RunInSession(f); });
  }

  // Runs fn(session) in a transaction that commits when fn succeeds and
  // rolls back when it returns an error or throws.
  template <typename Fn>
  auto WithTransaction(Fn&& fn) {
    return Adapt(fn, [this](const SessionFunction& f) {
      return RunInTransaction(f, TransactionMode::kWrite);
    });
  }
  template <typename Fn>
  auto WithReadTransaction(Fn&& fn) {
    return Adapt(fn, [this](const SessionFunction& f) {
      return RunInTransaction(f, TransactionMode::kRead);
    });
  }

  // The non-template forms of WithSession and With(Read)Transaction.
  Status RunInSession(const SessionFunction& fn);
  Status RunInTransaction(const SessionFunction& fn, TransactionMode mode);

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);

  template <typename R>
  struct ValueOf;
  template <typename T>
  struct ValueOf<Result<T>> {
    using type = T;
  };

  // Runs a Status- or Result<T>-returning fn through `run`, which takes a
  // SessionFunction, and hands back what fn returned.
  template <typename Fn, typename Run>
  static auto Adapt(Fn& fn, Run run) -> std::invoke_result_t<Fn&, soci::session&> {
    using R = std::invoke_result_t<Fn&, soci::session&>;
    if constexpr (std::is_same_v<R, Status>) {
      return run([&fn](soci::session& session) { return fn(session); });
    } else {
      std::optional<typename ValueOf<R>::type> value;
      Status status = run([&fn, &value](soci::session& session) -> Status {
        R result = fn(session);
        if (!result.ok()) return std::move(result).error();
        value.emplace(std::move(result).value());
        return Ok();
      });
      if (!status.ok()) return R(std::move(status).error());
      return R(std::move(*value));
    }
  }

  std::unique_ptr<Impl> impl_;
};

// A kNotFound error for rows a query did not return: "device abc not found".
Error NotFound(std::string what);

}  // namespace otter::storage
