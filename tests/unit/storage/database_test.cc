#include "storage/database.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "storage/database_url.h"
#include "storage/errors.h"
#include "unit/storage/database_fixture.h"

namespace otter::storage {
namespace {

class SqlTest : public testing::DatabaseTest {};

constexpr const char* kCreateDevices =
    "CREATE TABLE devices (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL)";
constexpr const char* kCreateEcus =
    "CREATE TABLE ecus (serial TEXT PRIMARY KEY, "
    "device_id TEXT NOT NULL REFERENCES devices (id))";

Status InsertDevice(soci::session& session, const std::string& id) {
  long long now = 1700000000;
  const std::string name = "name of " + id;  // soci::use() of a temporary would dangle
  session << "INSERT INTO devices (id, name, created_at) VALUES (:id, :name, :now)", soci::use(id),
      soci::use(name), soci::use(now);
  return Ok();
}

// --- URLs -------------------------------------------------------------------

TEST(DatabaseUrlTest, SqliteAbsoluteAndRelative) {
  const auto absolute = ParseDatabaseUrl("sqlite:///var/lib/otter/otter.db");
  ASSERT_TRUE(absolute.ok()) << absolute.error().message();
  EXPECT_EQ(absolute->backend, Backend::kSqlite);
  EXPECT_EQ(absolute->target, "/var/lib/otter/otter.db");

  const auto relative = ParseDatabaseUrl("sqlite:data/otter.db");
  ASSERT_TRUE(relative.ok()) << relative.error().message();
  EXPECT_EQ(relative->target, "data/otter.db");
}

TEST(DatabaseUrlTest, RefusesUnusableUrls) {
  for (const char* url : {"", "mysql://x/y", "sqlite://", "sqlite://host/x.db",
                          "sqlite::memory:", "sqlite:///a\"b.db", "file:///x.db"}) {
    const auto parsed = ParseDatabaseUrl(url);
    ASSERT_FALSE(parsed.ok()) << url;
    EXPECT_TRUE(parsed.error().Is(StorageErrc::kInvalidConfig)) << url;
  }
}

TEST(DatabaseUrlTest, PostgresqlPassedThroughWithPasswordHidden) {
  const auto parsed = ParseDatabaseUrl("postgresql://otter:s3cret@db.local:5432/otter");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->backend, Backend::kPostgresql);
  EXPECT_EQ(parsed->target,
            "postgresql://otter:s3cret@db.local:5432/otter?application_name=otter-server");
  EXPECT_EQ(parsed->display,
            "postgresql://otter:***@db.local:5432/otter?application_name=otter-server");
  const auto with_query = ParseDatabaseUrl("postgres://db/otter?sslmode=require");
  ASSERT_TRUE(with_query.ok());
  EXPECT_EQ(with_query->target, "postgres://db/otter?sslmode=require");
  EXPECT_FALSE(ParseDatabaseUrl("postgresql://db/otter?application_name=a b").ok());
  EXPECT_EQ(RedactPassword("postgres://db/otter?user=o&password=s3cret&sslmode=require"),
            "postgres://db/otter?user=o&password=***&sslmode=require");
  EXPECT_EQ(RedactPassword("postgresql://otter@db/otter"), "postgresql://otter@db/otter");
}

TEST(DatabaseOpenTest, MissingFolderIsAClearError) {
  testing::TempFolder folder;
  DatabaseConfig config;
  config.url = "sqlite://" + (folder.path() / "missing" / "otter.db").string();
  const auto database = Database::Open(config);
  ASSERT_FALSE(database.ok());
  EXPECT_TRUE(database.error().Is(StorageErrc::kDatabase));
  EXPECT_NE(database.error().message().find("connecting to sqlite://"), std::string::npos)
      << database.error().message();
}

TEST(DatabaseOpenTest, PoolSizeZeroRefused) {
  testing::TempFolder folder;
  DatabaseConfig config;
  config.url = "sqlite://" + (folder.path() / "otter.db").string();
  config.pool_size = 0;
  const auto database = Database::Open(config);
  ASSERT_FALSE(database.ok());
  EXPECT_TRUE(database.error().Is(StorageErrc::kInvalidConfig));
}

TEST(DatabaseOpenTest, SqliteConnectionSettings) {
  testing::TempFolder folder;
  DatabaseConfig config;
  config.url = "sqlite://" + (folder.path() / "otter.db").string();
  config.pool_size = 3;
  config.busy_timeout = std::chrono::milliseconds(4321);
  auto database = Database::Open(config);
  ASSERT_TRUE(database.ok()) << database.error().message();
  // Every pooled session: hold them all at once.
  std::vector<std::future<void>> checks;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> checked{0};
  checks.reserve(3);
  for (int i = 0; i < 3; ++i) {
    checks.push_back(std::async(std::launch::async, [&] {
      const Status status = database->WithSession([&](soci::session& session) {
        std::string journal_mode;
        int foreign_keys = 0, synchronous = 0, busy_timeout = 0;
        session << "PRAGMA journal_mode", soci::into(journal_mode);
        session << "PRAGMA foreign_keys", soci::into(foreign_keys);
        session << "PRAGMA synchronous", soci::into(synchronous);
        session << "PRAGMA busy_timeout", soci::into(busy_timeout);
        EXPECT_EQ(journal_mode, "wal");
        EXPECT_EQ(foreign_keys, 1);
        EXPECT_EQ(synchronous, 1);  // NORMAL
        EXPECT_EQ(busy_timeout, 4321);
        ++checked;
        released.wait();
        return Ok();
      });
      EXPECT_TRUE(status.ok()) << status.error().message();
    }));
  }
  while (checked < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  release.set_value();
  for (auto& check : checks) check.get();
}

TEST(DatabaseOpenTest, ExhaustedPoolTimesOutAsBusy) {
  testing::TempFolder folder;
  DatabaseConfig config;
  config.url = "sqlite://" + (folder.path() / "otter.db").string();
  config.pool_size = 1;
  config.acquire_timeout = std::chrono::milliseconds(100);
  auto database = Database::Open(config);
  ASSERT_TRUE(database.ok()) << database.error().message();
  const auto started = std::chrono::steady_clock::now();
  Status inner = Ok();
  const Status outer = database->WithSession([&](soci::session&) {
    inner = database->WithSession([](soci::session&) { return Ok(); });
    return Ok();
  });
  EXPECT_TRUE(outer.ok());
  ASSERT_FALSE(inner.ok());
  EXPECT_TRUE(inner.error().Is(StorageErrc::kBusy)) << inner.error().message();
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(90));
}

// --- Transactions and errors, on every backend ------------------------------

TEST_P(SqlTest, TransactionCommits) {
  Database database = Open();
  Exec(database, kCreateDevices);
  const Status status = database.WithTransaction([](soci::session& session) -> Status {
    OTTER_TRY(InsertDevice(session, "a"));
    return InsertDevice(session, "b");
  });
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(Count(database, "devices"), 2);
}

TEST_P(SqlTest, TransactionReturnsValue) {
  Database database = Open();
  Exec(database, kCreateDevices);
  const Result<std::string> name =
      database.WithTransaction([](soci::session& session) -> Result<std::string> {
        OTTER_TRY(InsertDevice(session, "a"));
        std::string value;
        session << "SELECT name FROM devices WHERE id = 'a'", soci::into(value);
        return value;
      });
  ASSERT_TRUE(name.ok()) << name.error().message();
  EXPECT_EQ(*name, "name of a");
}

TEST_P(SqlTest, TransactionRollsBackOnError) {
  Database database = Open();
  Exec(database, kCreateDevices);
  const Status status = database.WithTransaction([](soci::session& session) -> Status {
    OTTER_TRY(InsertDevice(session, "a"));
    return NotFound("device b");
  });
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(StorageErrc::kNotFound));
  EXPECT_EQ(status.error().message(), "device b not found");
  EXPECT_EQ(Count(database, "devices"), 0);
}

TEST_P(SqlTest, TransactionRollsBackOnSqlError) {
  Database database = Open();
  Exec(database, kCreateDevices);
  const Status status = database.WithTransaction([](soci::session& session) -> Status {
    OTTER_TRY(InsertDevice(session, "a"));
    session << "INSERT INTO no_such_table (x) VALUES (1)";
    return Ok();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(StorageErrc::kDatabase)) << status.error().message();
  EXPECT_NE(status.error().message().find("no_such_table"), std::string::npos)
      << status.error().message();
  EXPECT_EQ(Count(database, "devices"), 0);
}

TEST_P(SqlTest, TransactionRollsBackAndRethrowsOtherExceptions) {
  Database database = Open();
  Exec(database, kCreateDevices);
  EXPECT_THROW(
      {
        const Status ignored = database.WithTransaction([](soci::session& session) -> Status {
          OTTER_TRY(InsertDevice(session, "a"));
          throw std::runtime_error("bug in the caller");
        });
      },
      std::runtime_error);
  EXPECT_EQ(Count(database, "devices"), 0);
}

TEST_P(SqlTest, UniqueViolationIsConflictWithoutBoundValues) {
  Database database = Open();
  Exec(database, kCreateDevices);
  ASSERT_TRUE(database.WithSession([](soci::session& s) { return InsertDevice(s, "tok3n"); }).ok());
  const Status again =
      database.WithTransaction([](soci::session& s) { return InsertDevice(s, "tok3n"); });
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.error().Is(StorageErrc::kConflict)) << again.error().message();
  EXPECT_EQ(again.error().message().find("tok3n"), std::string::npos) << again.error().message();
  EXPECT_EQ(Count(database, "devices"), 1);
}

TEST_P(SqlTest, ForeignKeyAndNotNullViolationsAreConstraint) {
  Database database = Open();
  Exec(database, kCreateDevices);
  Exec(database, kCreateEcus);
  const Status orphan = database.WithSession([](soci::session& session) {
    session << "INSERT INTO ecus (serial, device_id) VALUES ('ecu1', 'nobody')";
    return Ok();
  });
  ASSERT_FALSE(orphan.ok());
  EXPECT_TRUE(orphan.error().Is(StorageErrc::kConstraint)) << orphan.error().message();

  const Status no_name = database.WithSession([](soci::session& session) {
    session << "INSERT INTO devices (id, created_at) VALUES ('x', 1)";
    return Ok();
  });
  ASSERT_FALSE(no_name.ok());
  EXPECT_TRUE(no_name.error().Is(StorageErrc::kConstraint)) << no_name.error().message();
}

TEST_P(SqlTest, PortableUpsertAndNullHandling) {
  Database database = Open();
  Exec(database, kCreateDevices);
  const Status status = database.WithTransaction([](soci::session& session) {
    for (const std::string name : {"first", "second"}) {
      session << "INSERT INTO devices (id, name, created_at) VALUES ('a', :name, 1) "
                 "ON CONFLICT (id) DO UPDATE SET name = excluded.name",
          soci::use(name);
    }
    return Ok();
  });
  ASSERT_TRUE(status.ok()) << status.error().message();
  const Result<std::string> name =
      database.WithSession([](soci::session& session) -> Result<std::string> {
        std::string value;
        session << "SELECT name FROM devices WHERE id = 'nobody'", soci::into(value);
        if (session.got_data()) return MakeError(StorageErrc::kDatabase, "unexpected row");
        session << "SELECT name FROM devices WHERE id = 'a'", soci::into(value);
        if (!session.got_data()) return NotFound("device a");
        return value;
      });
  ASSERT_TRUE(name.ok()) << name.error().message();
  EXPECT_EQ(*name, "second");
}

TEST_P(SqlTest, ReadTransactionSeesCommittedRows) {
  Database database = Open();
  Exec(database, kCreateDevices);
  ASSERT_TRUE(database.WithSession([](soci::session& s) { return InsertDevice(s, "a"); }).ok());
  const Result<long long> count = database.WithReadTransaction([](soci::session& session) {
    long long value = 0;
    session << "SELECT count(*) FROM devices", soci::into(value);
    return Result<long long>(value);
  });
  ASSERT_TRUE(count.ok()) << count.error().message();
  EXPECT_EQ(*count, 1);
}

TEST_P(SqlTest, SessionIsTidiedBetweenUses) {
  DatabaseConfig config = Config();
  config.pool_size = 1;
  Database database = Open(config);
  Exec(database, kCreateDevices);
  // A caller that opens a transaction by hand and forgets it.
  ASSERT_TRUE(database
                  .WithSession([](soci::session& session) {
                    session << "BEGIN";
                    return InsertDevice(session, "a");
                  })
                  .ok());
  EXPECT_EQ(Count(database, "devices"), 0);
  const Status next =
      database.WithTransaction([](soci::session& s) { return InsertDevice(s, "b"); });
  EXPECT_TRUE(next.ok()) << next.error().message();
  EXPECT_EQ(Count(database, "devices"), 1);
}

// Two threads writing through the pool: the write lock (BEGIN IMMEDIATE on
// SQLite) and the busy timeout make them take turns instead of failing.
TEST_P(SqlTest, ConcurrentWritersThroughThePoolSucceed) {
  DatabaseConfig config = Config();
  config.pool_size = 4;
  Database database = Open(config);
  Exec(database, "CREATE TABLE counters (id TEXT PRIMARY KEY, value BIGINT NOT NULL)");
  Exec(database, "INSERT INTO counters (id, value) VALUES ('c', 0)");
  Exec(database, kCreateDevices);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const Status status = database.WithTransaction([&](soci::session& session) -> Status {
          long long value = 0;  // read, then write: the lost-update pattern
          session << "SELECT value FROM counters WHERE id = 'c'", soci::into(value);
          ++value;
          session << "UPDATE counters SET value = :v WHERE id = 'c'", soci::use(value);
          return InsertDevice(session, std::to_string(t) + "-" + std::to_string(i));
        });
        if (!status.ok()) {
          ++failures;
          ADD_FAILURE() << status.error().message();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(Count(database, "devices"), kThreads * kPerThread);
  const Result<long long> value = database.WithSession([](soci::session& session) {
    long long v = 0;
    session << "SELECT value FROM counters WHERE id = 'c'", soci::into(v);
    return Result<long long>(v);
  });
  ASSERT_TRUE(value.ok());
  if (GetParam() == Backend::kSqlite) {
    EXPECT_EQ(*value, kThreads * kPerThread);  // BEGIN IMMEDIATE serializes writers
  }
}

// A second server (its own Database) whose busy timeout runs out while the
// first holds the write lock gets kBusy, and the first's work is unharmed.
TEST_P(SqlTest, LockTimeoutIsBusy) {
  Database first = Open();
  Exec(first, kCreateDevices);
  ASSERT_TRUE(first.WithSession([](soci::session& s) { return InsertDevice(s, "a"); }).ok());
  DatabaseConfig impatient_config = Config();
  impatient_config.busy_timeout = std::chrono::milliseconds(50);
  Database impatient = Open(impatient_config);

  std::promise<void> locked;
  std::promise<void> done;
  std::thread holder([&] {
    const Status status = first.WithTransaction([&](soci::session& session) {
      session << "UPDATE devices SET name = 'held' WHERE id = 'a'";
      locked.set_value();
      done.get_future().wait();
      return Ok();
    });
    EXPECT_TRUE(status.ok()) << status.error().message();
  });
  locked.get_future().wait();
  const Status blocked = impatient.WithTransaction([](soci::session& session) {
    session << "UPDATE devices SET name = 'other' WHERE id = 'a'";
    return Ok();
  });
  done.set_value();
  holder.join();
  ASSERT_FALSE(blocked.ok());
  EXPECT_TRUE(blocked.error().Is(StorageErrc::kBusy)) << blocked.error().message();
}

// A SOCI exception swallowed inside a transaction: PostgreSQL has aborted the
// transaction, and Commit() says so instead of reporting success.
TEST_P(SqlTest, SwallowedErrorMakesPostgresqlCommitFail) {
  if (GetParam() != Backend::kPostgresql) GTEST_SKIP() << "PostgreSQL behaviour";
  Database database = Open();
  Exec(database, kCreateDevices);
  const Status status = database.WithTransaction([](soci::session& session) -> Status {
    OTTER_TRY(InsertDevice(session, "a"));
    try {
      session << "INSERT INTO no_such_table (x) VALUES (1)";
    } catch (const std::exception&) {
    }
    return Ok();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("failed earlier"), std::string::npos)
      << status.error().message();
  EXPECT_EQ(Count(database, "devices"), 0);
}

// The server closed the connection (restart, idle timeout, failover): the
// use that finds out fails, and the pool then reconnects that session.
TEST_P(SqlTest, PostgresqlSessionReconnectsAfterTheServerDropsIt) {
  if (GetParam() != Backend::kPostgresql) GTEST_SKIP() << "PostgreSQL behaviour";
  DatabaseConfig config = Config();
  config.pool_size = 1;
  Database database = Open(config);
  const Result<long long> pid = database.WithSession([](soci::session& session) {
    long long value = 0;
    session << "SELECT pg_backend_pid()", soci::into(value);
    return Result<long long>(value);
  });
  ASSERT_TRUE(pid.ok()) << pid.error().message();
  RunAdmin("SELECT pg_terminate_backend(" + std::to_string(*pid) + ")");

  const Status first = database.WithSession([](soci::session& session) {
    session << "SELECT 1";
    return Ok();
  });
  if (!first.ok()) {
    EXPECT_TRUE(first.error().Is(StorageErrc::kDatabase)) << first.error().message();
  }
  const Result<long long> next = database.WithSession([](soci::session& session) {
    long long value = 0;
    session << "SELECT pg_backend_pid()", soci::into(value);
    return Result<long long>(value);
  });
  ASSERT_TRUE(next.ok()) << next.error().message();
  EXPECT_NE(*next, *pid);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgresql),
                         testing::BackendName);

}  // namespace
}  // namespace otter::storage
