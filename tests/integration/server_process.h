// A real otter-server for integration tests: started on a fresh data folder
// with ephemeral ports on 127.0.0.1, stopped with SIGTERM.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace otter::testing {

class ServerProcess {
 public:
  // Writes <data>/server.toml (ports 0, loopback, plus `extra_toml`), starts
  // otter-server and waits until it has written <data>/endpoints.json.
  // Throws when it does not come up; the message holds its log.
  ServerProcess(std::filesystem::path data_dir, const std::string& extra_toml = "");
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // SIGTERM, then waits; returns the exit code (128 + signal when killed).
  int Stop();
  // SIGKILL, then waits.
  void Kill();

  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::string& gateway_url() const { return gateway_url_; }
  const std::string& admin_url() const { return admin_url_; }
  std::filesystem::path ca_file() const { return data_dir_ / "ca" / "ca.pem"; }
  std::filesystem::path token_file() const { return data_dir_ / "admin-token"; }
  std::string token() const;  // the first admin token
  std::string log() const;    // what the server wrote to stdout and stderr

 private:
  int Wait();

  std::filesystem::path data_dir_;
  std::filesystem::path log_file_;
  pid_t pid_ = -1;
  std::string gateway_url_;
  std::string admin_url_;
};

}  // namespace otter::testing
