// otter-server's configuration: server.toml, every key optional. With no file
// at all the server runs on its embedded default: everything under the data
// folder, SQLite, listening on loopback. docs/server.md lists every key.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace otter::server {

enum class TargetsSigning {
  kOffline,  // targets signed by the publisher's offline key (otter targets sign)
  kOnline,   // the server holds the targets key too: quick starts and demos; less safe
};

struct ListenerConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;
};

struct ServerConfig {
  std::filesystem::path data_dir = "otter-data";
  // Devices: mTLS with a device or provisioning certificate.
  ListenerConfig gateway{.address = "127.0.0.1", .port = 8443};
  // Operators and publishers: TLS and a bearer token.
  ListenerConfig admin{.address = "127.0.0.1", .port = 8444};
  // The gateway URL written into provisioning bundles.
  std::string public_url;  // empty: https://<first host name>:<gateway port>
  // Names and addresses the server TLS certificate is valid for.
  std::vector<std::string> tls_hostnames{"localhost", "127.0.0.1"};

  std::string database_url;  // empty: sqlite:///<data_dir>/otter.db
  std::size_t database_pool_size = 8;
  std::filesystem::path blob_dir;     // empty: <data_dir>/blobs
  std::filesystem::path treehub_dir;  // empty: <data_dir>/treehub

  TargetsSigning targets_signing = TargetsSigning::kOnline;
  std::chrono::hours device_certificate_lifetime{24 * 365 * 10};
  std::chrono::seconds maintenance_interval{60};
  std::size_t io_threads = 2;
  std::size_t worker_threads = 8;
  std::string log_level = "info";

  std::filesystem::path DatabaseFile() const;  // the SQLite file of the default URL
  std::string EffectiveDatabaseUrl() const;
  std::filesystem::path EffectiveBlobDir() const;
  std::filesystem::path EffectiveTreehubDir() const;
  std::string EffectivePublicUrl() const;
};

// Reads server.toml. Unknown keys and wrong types are errors that name the
// key, so a typo never silently falls back to a default.
Result<ServerConfig> LoadConfig(const std::filesystem::path& file);
Result<ServerConfig> ParseConfig(std::string_view toml_text, std::string_view source_name);

}  // namespace otter::server
