// A treehub behind a real HTTP server on 127.0.0.1, with an operator token
// in a SQLite database, for the route and push-client tests.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "api/auth.h"
#include "api/schema.h"
#include "api/tokens.h"
#include "common/http_client.h"
#include "http_server/http_server.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "support/must.h"
#include "treehub/routes.h"
#include "treehub/treehub.h"

namespace otter::treehub::testing {

class TreehubServer {
 public:
  // Plain HTTP, or HTTPS with `tls`.
  explicit TreehubServer(const std::filesystem::path& folder, TreehubOptions options = {},
                         std::optional<http::TlsConfig> tls = std::nullopt)
      : scheme_(tls ? "https" : "http") {
    using otter::testing::Must;
    std::filesystem::create_directories(folder);
    database_.emplace(
        Must(storage::Database::Open({.url = "sqlite://" + (folder / "otter.db").string()}),
             "opening the database"));
    Must(storage::Migrate(*database_, {{1, "api", api::Schema()}}), "migrating");
    token_ =
        Must(api::TokenStore(*database_).Create("ci", clock_.Now()), "creating a token").secret;
    hub_ = Must(Treehub::Open(folder / "treehub", options), "opening the treehub");
    gatekeeper_.emplace(*database_, clock_);
    http::Router router;
    AddRoutes(router, *hub_, *gatekeeper_);
    http::ServerOptions server_options;
    server_options.listeners.push_back(http::ListenerOptions{.tls = std::move(tls)});
    server_options.io_threads = 1;
    server_options.worker_threads = 4;
    server_ = Must(http::HttpServer::Start(std::move(server_options), std::move(router)),
                   "starting the server");
  }
  ~TreehubServer() { server_->Stop(std::chrono::seconds(2)); }
  TreehubServer(const TreehubServer&) = delete;
  TreehubServer& operator=(const TreehubServer&) = delete;

  std::string BaseUrl() const {
    return scheme_ + "://127.0.0.1:" + std::to_string(server_->port());
  }
  std::string Url(const std::string& path) const { return BaseUrl() + path; }
  const std::string& token() const { return token_; }
  Treehub& hub() { return *hub_; }
  storage::Database& database() { return *database_; }
  std::uint16_t port() const { return server_->port(); }

  // A request with the operator token.
  HttpRequest Request(const std::string& method, const std::string& path,
                      std::string body = "") const {
    HttpRequest request;
    request.method = method;
    request.url = Url(path);
    request.body = std::move(body);
    request.headers["Authorization"] = "Bearer " + token_;
    return request;
  }

 private:
  std::string scheme_;
  SystemClock clock_;
  std::optional<storage::Database> database_;
  std::string token_;
  std::unique_ptr<Treehub> hub_;
  std::optional<api::Gatekeeper> gatekeeper_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace otter::treehub::testing
