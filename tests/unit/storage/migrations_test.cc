#include "storage/migrations.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <thread>
#include <utility>
#include <vector>

#include "storage/errors.h"
#include "unit/storage/database_fixture.h"

namespace otter::storage {
namespace {

class MigrationsTest : public testing::DatabaseTest {};

// A small schema in the portable dialect, as the server's will be.
std::vector<Migration> ExampleMigrations() {
  return {
      {1,
       "create_devices",
       {"CREATE TABLE devices (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "created_at BIGINT NOT NULL)",
        "CREATE INDEX devices_created_at ON devices (created_at)"}},
      {2,
       "create_ecus",
       {"CREATE TABLE ecus (serial TEXT PRIMARY KEY, "
        "device_id TEXT NOT NULL REFERENCES devices (id), "
        "is_primary INTEGER NOT NULL CHECK (is_primary IN (0, 1)))"}},
      {3, "add_device_tags", {"ALTER TABLE devices ADD COLUMN tags TEXT NOT NULL DEFAULT ''"}},
  };
}

std::vector<Migration> FirstN(std::size_t n) {
  std::vector<Migration> all = ExampleMigrations();
  all.resize(n);
  return all;
}

struct AppliedRow {
  long long version;
  std::string name;
  long long applied_at;
};

std::vector<AppliedRow> AppliedRows(Database& database) {
  std::vector<AppliedRow> rows;
  const Status status = database.WithSession([&](soci::session& session) {
    AppliedRow row{};
    soci::statement select =
        (session.prepare << "SELECT version, name, applied_at FROM schema_migrations "
                            "ORDER BY version",
         soci::into(row.version), soci::into(row.name), soci::into(row.applied_at));
    select.execute();
    while (select.fetch()) rows.push_back(row);
    return Ok();
  });
  EXPECT_TRUE(status.ok()) << status.error().message();
  return rows;
}

TEST(CheckSingleStatementTest, AcceptsOneStatement) {
  for (const char* sql :
       {"SELECT 1", "SELECT 1;", "SELECT 1 ;  \n", "SELECT ';'", "SELECT 'it''s; fine'",
        "SELECT \"a;b\" FROM t", "SELECT 1 -- trailing; comment", "SELECT 1; -- done",
        "SELECT /* ; */ 1", "SELECT 1; /* done */ \n"}) {
    EXPECT_TRUE(CheckSingleStatement(sql).ok()) << sql;
  }
}

TEST(CheckSingleStatementTest, RefusesSeveralOrNone) {
  for (const char* sql : {"SELECT 1; SELECT 2", "CREATE TABLE a (x TEXT);CREATE TABLE b (y TEXT)",
                          "", "  ", "-- only a comment", "SELECT 1; ; "}) {
    const Status status = CheckSingleStatement(sql);
    ASSERT_FALSE(status.ok()) << sql;
    EXPECT_TRUE(status.error().Is(StorageErrc::kInvalidArgument)) << sql;
  }
}

TEST_P(MigrationsTest, FreshDatabaseIsVersionZero) {
  Database database = Open();
  const auto version = SchemaVersion(database);
  ASSERT_TRUE(version.ok()) << version.error().message();
  EXPECT_EQ(*version, 0);
}

TEST_P(MigrationsTest, MigrationsApplyInOrderAndAreRecorded) {
  Database database = Open();
  const auto reached = Migrate(database, ExampleMigrations());
  ASSERT_TRUE(reached.ok()) << reached.error().message();
  EXPECT_EQ(*reached, 3);
  EXPECT_EQ(*SchemaVersion(database), 3);

  const auto rows = AppliedRows(database);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].version, 1);
  EXPECT_EQ(rows[0].name, "create_devices");
  EXPECT_EQ(rows[2].name, "add_device_tags");
  EXPECT_GT(rows[0].applied_at, 1600000000);
  // Migration 3 altered the table migration 1 made.
  Exec(database, "INSERT INTO devices (id, name, created_at, tags) VALUES ('d', 'n', 1, 'x')");
  Exec(database, "INSERT INTO ecus (serial, device_id, is_primary) VALUES ('e', 'd', 1)");
}

TEST_P(MigrationsTest, RerunningMigrationsIsANoOp) {
  Database database = Open();
  ASSERT_TRUE(Migrate(database, ExampleMigrations()).ok());
  Exec(database, "INSERT INTO devices (id, name, created_at) VALUES ('d', 'n', 1)");
  const auto rows_before = AppliedRows(database);

  const auto again = Migrate(database, ExampleMigrations());
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(*again, 3);
  EXPECT_EQ(Count(database, "devices"), 1);
  const auto rows_after = AppliedRows(database);
  ASSERT_EQ(rows_after.size(), rows_before.size());
  for (std::size_t i = 0; i < rows_after.size(); ++i) {
    EXPECT_EQ(rows_after[i].applied_at, rows_before[i].applied_at);
  }
}

TEST_P(MigrationsTest, NewMigrationsApplyOnTopOfOldOnes) {
  Database database = Open();
  ASSERT_TRUE(Migrate(database, FirstN(1)).ok());
  EXPECT_FALSE(TableExists(database, "ecus"));
  const auto reached = Migrate(database, ExampleMigrations());
  ASSERT_TRUE(reached.ok()) << reached.error().message();
  EXPECT_TRUE(TableExists(database, "ecus"));
  EXPECT_EQ(AppliedRows(database).size(), 3u);
}

TEST_P(MigrationsTest, FailingMigrationRollsBackEntirely) {
  Database database = Open();
  std::vector<Migration> migrations = FirstN(1);
  migrations.push_back(
      {2,
       "half_broken",
       {"CREATE TABLE half (id TEXT PRIMARY KEY)", "INSERT INTO half (id) VALUES ('one')",
        "INSERT INTO no_such_table (id) VALUES ('two')"}});
  const auto reached = Migrate(database, migrations);
  ASSERT_FALSE(reached.ok());
  EXPECT_TRUE(reached.error().Is(StorageErrc::kMigration)) << reached.error().message();
  EXPECT_NE(reached.error().message().find("migration v2 (half_broken): statement 3"),
            std::string::npos)
      << reached.error().message();

  EXPECT_FALSE(TableExists(database, "half"));
  EXPECT_TRUE(TableExists(database, "devices"));  // v1 committed on its own
  EXPECT_EQ(*SchemaVersion(database), 1);
  EXPECT_EQ(AppliedRows(database).size(), 1u);
}

TEST_P(MigrationsTest, NewerSchemaIsRefused) {
  Database database = Open();
  ASSERT_TRUE(Migrate(database, ExampleMigrations()).ok());
  const auto older = Migrate(database, FirstN(2));
  ASSERT_FALSE(older.ok());
  EXPECT_TRUE(older.error().Is(StorageErrc::kSchemaTooNew));
  EXPECT_NE(older.error().message().find("database schema v3 is newer than this otter-server (v2)"),
            std::string::npos)
      << older.error().message();
}

TEST_P(MigrationsTest, RenamedMigrationIsRefused) {
  Database database = Open();
  ASSERT_TRUE(Migrate(database, FirstN(2)).ok());
  std::vector<Migration> renamed = ExampleMigrations();
  renamed[1].name = "create_ecus_differently";
  const auto result = Migrate(database, renamed);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().Is(StorageErrc::kMigration)) << result.error().message();
  EXPECT_EQ(*SchemaVersion(database), 2);
}

TEST_P(MigrationsTest, MigrationMissingBelowTheNewestIsRefused) {
  Database database = Open();
  const std::vector<Migration> all = ExampleMigrations();
  ASSERT_TRUE(Migrate(database, {all[0], all[2]}).ok());  // a branch that skipped v2
  const auto result = Migrate(database, all);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().Is(StorageErrc::kMigration)) << result.error().message();
  EXPECT_NE(result.error().message().find("v2 (create_ecus) is missing"), std::string::npos)
      << result.error().message();
  EXPECT_FALSE(TableExists(database, "ecus"));
}

TEST_P(MigrationsTest, InvalidMigrationListsAreRefusedBeforeTouchingTheDatabase) {
  Database database = Open();
  std::vector<Migration> unordered = ExampleMigrations();
  std::swap(unordered[0], unordered[1]);
  std::vector<Migration> two_in_one = FirstN(1);
  two_in_one[0].statements = {"CREATE TABLE a (x TEXT); CREATE TABLE b (y TEXT)"};
  std::vector<Migration> unnamed = FirstN(1);
  unnamed[0].name.clear();
  for (const auto& migrations : {unordered, two_in_one, unnamed}) {
    const auto result = Migrate(database, migrations);
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(result.error().Is(StorageErrc::kInvalidArgument)) << result.error().message();
  }
  EXPECT_FALSE(TableExists(database, "schema_migrations"));
}

// Servers starting at once: each has its own Database; migration 1 would fail
// if it ran twice (CREATE TABLE without IF NOT EXISTS).
TEST_P(MigrationsTest, ConcurrentServersApplyEachMigrationOnce) {
  constexpr int kServers = 4;
  std::vector<Database> servers;
  servers.reserve(kServers);
  for (int i = 0; i < kServers; ++i) servers.push_back(Open());
  std::vector<Result<std::int64_t>> results(kServers, Result<std::int64_t>(std::int64_t{-1}));
  std::vector<std::thread> threads;
  threads.reserve(kServers);
  for (int i = 0; i < kServers; ++i) {
    threads.emplace_back([&, i] { results[i] = Migrate(servers[i], ExampleMigrations()); });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.error().message();
    EXPECT_EQ(*result, 3);
  }
  EXPECT_EQ(AppliedRows(servers[0]).size(), 3u);
}

TEST_P(MigrationsTest, EmptyMigrationListReachesVersionZero) {
  Database database = Open();
  const auto reached = Migrate(database, {});
  ASSERT_TRUE(reached.ok()) << reached.error().message();
  EXPECT_EQ(*reached, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgresql),
                         testing::BackendName);

}  // namespace
}  // namespace otter::storage
