#include "server/config.h"

#include <toml++/toml.h>

#include <functional>
#include <map>
#include <sstream>

#include "common/errors.h"
#include "common/file.h"

namespace otter::server {
namespace {

Error ConfigError(std::string message) {
  return MakeError(CommonErrc::kInvalidArgument, std::move(message));
}

// Reads one key of one table into the config; fails with the key's name.
using KeyReader = std::function<Status(const toml::node&, ServerConfig&)>;
using TableReaders = std::map<std::string, KeyReader, std::less<>>;

template <typename T>
Result<T> Value(const toml::node& node, std::string_view key, std::string_view type) {
  if (auto value = node.value<T>(); value && node.is<T>()) return *value;
  return ConfigError(std::string(key) + " must be " + std::string(type));
}

KeyReader String(std::string_view key, std::string ServerConfig::*field) {
  return [key, field](const toml::node& node, ServerConfig& config) -> Status {
    OTTER_ASSIGN(config.*field, Value<std::string>(node, key, "a string"));
    return Ok();
  };
}

KeyReader Path(std::string_view key, std::filesystem::path ServerConfig::*field) {
  return [key, field](const toml::node& node, ServerConfig& config) -> Status {
    OTTER_ASSIGN(const std::string text, Value<std::string>(node, key, "a string"));
    config.*field = text;
    return Ok();
  };
}

Result<std::int64_t> Integer(const toml::node& node, std::string_view key, std::int64_t min,
                             std::int64_t max) {
  OTTER_ASSIGN(const std::int64_t value, Value<std::int64_t>(node, key, "an integer"));
  if (value < min || value > max) {
    return ConfigError(std::string(key) + " must be between " + std::to_string(min) + " and " +
                       std::to_string(max));
  }
  return value;
}

template <typename Setter>
KeyReader IntegerInto(std::string_view key, std::int64_t min, std::int64_t max, Setter set) {
  return [=](const toml::node& node, ServerConfig& config) -> Status {
    OTTER_ASSIGN(const std::int64_t value, Integer(node, key, min, max));
    set(config, value);
    return Ok();
  };
}

KeyReader Listener(std::string_view table, ListenerConfig ServerConfig::*field) {
  return [table, field](const toml::node& node, ServerConfig& config) -> Status {
    const toml::table* listener = node.as_table();
    if (listener == nullptr) return ConfigError(std::string(table) + " must be a table");
    for (const auto& [key, value] : *listener) {
      const std::string name = std::string(table) + "." + std::string(key.str());
      if (key.str() == "address") {
        OTTER_ASSIGN((config.*field).address, Value<std::string>(value, name, "a string"));
      } else if (key.str() == "port") {
        OTTER_ASSIGN(const std::int64_t port, Integer(value, name, 0, 65535));
        (config.*field).port = static_cast<std::uint16_t>(port);
      } else {
        return ConfigError("unknown key " + name);
      }
    }
    return Ok();
  };
}

Status ReadHostnames(const toml::node& node, ServerConfig& config) {
  const toml::array* names = node.as_array();
  if (names == nullptr || names->empty()) {
    return ConfigError("tls_hostnames must be a non-empty array of strings");
  }
  config.tls_hostnames.clear();
  for (const toml::node& name : *names) {
    OTTER_ASSIGN(std::string text, Value<std::string>(name, "tls_hostnames", "strings"));
    config.tls_hostnames.push_back(std::move(text));
  }
  return Ok();
}

Status ReadTargetsSigning(const toml::node& node, ServerConfig& config) {
  OTTER_ASSIGN(const std::string mode, Value<std::string>(node, "targets_signing", "a string"));
  if (mode == "offline") {
    config.targets_signing = TargetsSigning::kOffline;
  } else if (mode == "online") {
    config.targets_signing = TargetsSigning::kOnline;
  } else {
    return ConfigError("targets_signing must be \"offline\" or \"online\"");
  }
  return Ok();
}

const TableReaders& TopLevelReaders() {
  static const TableReaders readers = {
      {"data_dir", Path("data_dir", &ServerConfig::data_dir)},
      {"public_url", String("public_url", &ServerConfig::public_url)},
      {"log_level", String("log_level", &ServerConfig::log_level)},
      {"tls_hostnames", ReadHostnames},
      {"targets_signing", ReadTargetsSigning},
      {"database_url", String("database_url", &ServerConfig::database_url)},
      {"database_pool_size",
       IntegerInto("database_pool_size", 1, 256,
                   [](ServerConfig& c, std::int64_t v) { c.database_pool_size = v; })},
      {"blob_dir", Path("blob_dir", &ServerConfig::blob_dir)},
      {"treehub_dir", Path("treehub_dir", &ServerConfig::treehub_dir)},
      {"device_certificate_days", IntegerInto("device_certificate_days", 1, 36500,
                                              [](ServerConfig& c, std::int64_t v) {
                                                c.device_certificate_lifetime =
                                                    std::chrono::hours(24 * v);
                                              })},
      {"maintenance_interval_sec", IntegerInto("maintenance_interval_sec", 1, 3600,
                                               [](ServerConfig& c, std::int64_t v) {
                                                 c.maintenance_interval = std::chrono::seconds(v);
                                               })},
      {"io_threads",
       IntegerInto("io_threads", 1, 64, [](ServerConfig& c, std::int64_t v) { c.io_threads = v; })},
      {"worker_threads",
       IntegerInto("worker_threads", 1, 256,
                   [](ServerConfig& c, std::int64_t v) { c.worker_threads = v; })},
      {"gateway", Listener("gateway", &ServerConfig::gateway)},
      {"admin", Listener("admin", &ServerConfig::admin)},
  };
  return readers;
}

Status ValidateLogLevel(const std::string& level) {
  static const char* const kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
  for (const char* known : kLevels) {
    if (level == known) return Ok();
  }
  return ConfigError("log_level must be one of trace, debug, info, warn, error, off");
}

}  // namespace

std::filesystem::path ServerConfig::DatabaseFile() const { return data_dir / "otter.db"; }

std::string ServerConfig::EffectiveDatabaseUrl() const {
  if (!database_url.empty()) return database_url;
  return "sqlite://" + std::filesystem::absolute(DatabaseFile()).string();
}

std::filesystem::path ServerConfig::EffectiveBlobDir() const {
  return blob_dir.empty() ? data_dir / "blobs" : blob_dir;
}

std::filesystem::path ServerConfig::EffectiveTreehubDir() const {
  return treehub_dir.empty() ? data_dir / "treehub" : treehub_dir;
}

std::string ServerConfig::EffectivePublicUrl() const {
  if (!public_url.empty()) return public_url;
  return "https://" + tls_hostnames.front() + ":" + std::to_string(gateway.port);
}

Result<ServerConfig> ParseConfig(std::string_view toml_text, std::string_view source_name) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& error) {
    std::ostringstream where;
    where << error.source().begin;
    return ConfigError(std::string(source_name) + ":" + where.str() + ": " +
                       std::string(error.description()));
  }
  ServerConfig config;
  for (const auto& [key, value] : table) {
    const auto reader = TopLevelReaders().find(key.str());
    if (reader == TopLevelReaders().end()) {
      return ConfigError(std::string(source_name) + ": unknown key " + std::string(key.str()));
    }
    OTTER_TRY_CONTEXT(reader->second(value, config), std::string(source_name));
  }
  OTTER_TRY_CONTEXT(ValidateLogLevel(config.log_level), std::string(source_name));
  return config;
}

Result<ServerConfig> LoadConfig(const std::filesystem::path& file) {
  OTTER_ASSIGN_CONTEXT(const std::string text, ReadFile(file, 1024 * 1024),
                       "reading " + file.string());
  return ParseConfig(text, file.string());
}

}  // namespace otter::server
