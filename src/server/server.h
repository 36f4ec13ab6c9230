// otter-server put together: storage, credentials, the modules and their
// routes on two listeners (device gateway with mTLS, admin API with
// tokens), and the maintenance loop that re-signs metadata before it expires.
#pragma once

#include <cstdint>
#include <memory>

#include "common/result.h"
#include "server/config.h"
#include "storage/database.h"

namespace otter::server {

// Opens the configured database and brings its schema up to date.
Result<storage::Database> OpenDatabase(const ServerConfig& config);

class Server {
 public:
  // Creates what is missing under the data folder, then starts serving.
  static Result<std::unique_ptr<Server>> Start(const ServerConfig& config);
  ~Server();

  // Stops serving: requests in progress finish first.
  void Stop();

  std::uint16_t gateway_port() const;
  std::uint16_t admin_port() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace otter::server
