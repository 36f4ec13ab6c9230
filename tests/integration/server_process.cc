#include "integration/server_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "integration/command.h"

extern char** environ;

namespace otter::testing {
namespace {

namespace fs = std::filesystem;
constexpr auto kStartTimeout = std::chrono::seconds(60);

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

pid_t Spawn(std::vector<std::string> args, const fs::path& log_file) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

}  // namespace

ServerProcess::ServerProcess(fs::path data_dir, const std::string& extra_toml)
    : data_dir_(std::move(data_dir)),
      log_file_(data_dir_.parent_path() / (data_dir_.filename().string() + ".log")) {
  fs::create_directories(data_dir_);
  const fs::path config = data_dir_.parent_path() / (data_dir_.filename().string() + ".toml");
  std::ofstream(config) << "log_level = \"debug\"\n"
                        << "tls_hostnames = [\"127.0.0.1\", \"localhost\"]\n"
                        << extra_toml << "\n"
                        << "[gateway]\naddress = \"127.0.0.1\"\nport = 0\n"
                        << "[admin]\naddress = \"127.0.0.1\"\nport = 0\n";
  fs::remove(data_dir_ / "endpoints.json");
  pid_ = Spawn({BinaryPath("src/server/otter-server").string(), "--config", config.string(),
                "--data", data_dir_.string()},
               log_file_);
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!fs::exists(data_dir_ / "endpoints.json")) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("otter-server exited at start:\n" + log());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      Kill();
      throw std::runtime_error("otter-server did not start:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto endpoints = nlohmann::json::parse(ReadText(data_dir_ / "endpoints.json"));
  gateway_url_ = endpoints.at("gateway").get<std::string>();
  admin_url_ = endpoints.at("admin").get<std::string>();
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
}

int ServerProcess::Wait() {
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  return Wait();
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  Wait();
}

std::string ServerProcess::token() const {
  std::string secret = ReadText(token_file());
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  return secret;
}

std::string ServerProcess::log() const { return ReadText(log_file_); }

}  // namespace otter::testing
