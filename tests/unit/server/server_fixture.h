// A SQLite database in a temporary folder, migrated with the given schema,
// and a CA: what the server module's tests start from.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

#include "api/schema.h"
#include "http_server/router.h"
#include "server/credentials.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "support/must.h"
#include "x509/x509.h"

namespace otter::server {

inline const TimePoint kTestNow = ParseTime("2026-11-25T12:00:00Z").value();

class ServerModuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("otter-server-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    database_.emplace(testing::Must(
        storage::Database::Open({.url = "sqlite://" + (folder_ / "otter.db").string()})));
    std::vector<std::string> tables = api::Schema();
    for (std::string& table : Schema()) tables.push_back(std::move(table));
    testing::Must(storage::Migrate(*database_, {{1, "test", tables}}));
  }
  void TearDown() override {
    database_.reset();
    std::filesystem::remove_all(folder_);
  }

  // Runs the route that `router` picks for the request.
  static http::Response Call(const http::Router& router, http::Request request) {
    const http::RouteMatch match = router.Find(request.method, request.path);
    if (match.route == nullptr) return http::Response::Empty(match.status);
    request.params = match.params;
    return std::get<http::Handler>(match.route->action)(request);
  }

  std::filesystem::path folder_;
  std::optional<storage::Database> database_;
  FixedClock clock_{kTestNow};
};

}  // namespace otter::server
