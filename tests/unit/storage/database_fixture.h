// A fresh, empty database per test, on SQLite (a file in a temporary folder)
// or on PostgreSQL (a schema of its own in the database named by the
// environment variable OTTER_TEST_POSTGRES_URL; skipped when it is unset).
// Tests written against it run unchanged on both: that is the portability
// check of the SQL rules in storage/database.h.
#pragma once

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "storage/database.h"
#include "unit/storage/temp_folder.h"

namespace otter::storage {

// Test names and messages say "Sqlite" rather than "4-byte object <00...>".
inline void PrintTo(Backend backend, std::ostream* out) {
  *out << (backend == Backend::kSqlite ? "Sqlite" : "Postgresql");
}

}  // namespace otter::storage

namespace otter::storage::testing {

inline constexpr const char* kPostgresUrlVariable = "OTTER_TEST_POSTGRES_URL";

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgresql";
}

class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      url_ = "sqlite://" + (folder_.path() / "otter.db").string();
      return;
    }
    const char* base = std::getenv(kPostgresUrlVariable);
    if (base == nullptr || *base == '\0') {
      GTEST_SKIP() << "PostgreSQL tests need " << kPostgresUrlVariable
                   << " (scripts/postgres-test-server prints one)";
    }
    CreateSchema(base);
  }

  void TearDown() override {
    if (!schema_.empty()) RunAdmin("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }

  DatabaseConfig Config() const {
    DatabaseConfig config;
    config.url = url_;
    config.pool_size = 2;
    return config;
  }

  Database Open(std::optional<DatabaseConfig> config = std::nullopt) const {
    Result<Database> database = Database::Open(config.value_or(Config()));
    if (!database.ok()) throw std::runtime_error(database.error().message());
    return std::move(database).value();
  }

  // Executes one statement and fails the test on an error.
  static void Exec(Database& database, const std::string& sql) {
    const Status status = database.WithSession([&](soci::session& session) {
      session << sql;
      return Ok();
    });
    ASSERT_TRUE(status.ok()) << sql << ": " << status.error().message();
  }

  static long long Count(Database& database, const std::string& table) {
    long long count = -1;
    const Status status = database.WithSession([&](soci::session& session) {
      session << "SELECT count(*) FROM " + table, soci::into(count);
      return Ok();
    });
    EXPECT_TRUE(status.ok()) << status.error().message();
    return count;
  }

  // Whether `table` exists in the test's database (or schema).
  bool TableExists(Database& database, const std::string& table) const {
    long long count = 0;
    const bool sqlite = GetParam() == Backend::kSqlite;
    const Status status = database.WithSession([&](soci::session& session) {
      if (sqlite) {
        session << "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :t",
            soci::use(table), soci::into(count);
      } else {
        session << "SELECT count(*) FROM information_schema.tables "
                   "WHERE table_schema = current_schema() AND table_name = :t",
            soci::use(table), soci::into(count);
      }
      return Ok();
    });
    EXPECT_TRUE(status.ok()) << status.error().message();
    return count > 0;
  }

  // PostgreSQL only: a statement on a separate connection to the base URL.
  void RunAdmin(const std::string& sql) const {
    DatabaseConfig config;
    config.url = base_url_;
    config.pool_size = 1;
    Result<Database> admin = Database::Open(config);
    ASSERT_TRUE(admin.ok()) << admin.error().message();
    Exec(*admin, sql);
  }

  std::string url_;

 private:
  void CreateSchema(const std::string& base) {
    static std::atomic<int> counter{0};
    base_url_ = base;
    schema_ = "otter_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    RunAdmin("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    RunAdmin("CREATE SCHEMA " + schema_);
    url_ = base + std::string(base.find('?') == std::string::npos ? "?" : "&") +
           "options=-c%20search_path%3D" + schema_;
  }

  TempFolder folder_;
  std::string base_url_;
  std::string schema_;
};

}  // namespace otter::storage::testing
