#include "http_server/connection_registry.h"

#include <vector>

namespace otter::http {

std::optional<std::uint64_t> ConnectionRegistry::Add(std::weak_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (connections_.size() >= limit_) return std::nullopt;
  const std::uint64_t id = ++accepted_;
  connections_.emplace(id, std::move(connection));
  return id;
}

void ConnectionRegistry::Remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
  if (connections_.empty()) emptied_.notify_all();
}

void ConnectionRegistry::CloseAll(bool only_if_idle) {
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, connection] : connections_) {
      if (auto locked = connection.lock()) open.push_back(std::move(locked));
    }
  }
  for (const auto& connection : open) connection->Close(only_if_idle);
}

bool ConnectionRegistry::WaitUntilEmpty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return emptied_.wait_until(lock, deadline, [this] { return connections_.empty(); });
}

std::size_t ConnectionRegistry::open() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

std::uint64_t ConnectionRegistry::accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

}  // namespace otter::http
