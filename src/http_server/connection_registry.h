// The open connections of a server, so that Stop() can close them, and the
// connection limit. Internal.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace otter::http {

class Connection {
 public:
  virtual ~Connection() = default;
  // Closes the connection; with `only_if_idle`, only if no request is in
  // progress on it. Any thread.
  virtual void Close(bool only_if_idle) = 0;
};

class ConnectionRegistry {
 public:
  explicit ConnectionRegistry(std::size_t limit) : limit_(limit) {}

  // An id for Remove(), or nullopt when `limit` connections are open.
  std::optional<std::uint64_t> Add(std::weak_ptr<Connection> connection);
  void Remove(std::uint64_t id);

  void CloseAll(bool only_if_idle);
  // Whether every connection was removed before `deadline`.
  bool WaitUntilEmpty(std::chrono::steady_clock::time_point deadline);

  std::size_t open() const;
  std::uint64_t accepted() const;

 private:
  const std::size_t limit_;
  mutable std::mutex mutex_;
  std::condition_variable emptied_;
  std::map<std::uint64_t, std::weak_ptr<Connection>> connections_;
  std::uint64_t accepted_ = 0;
};

}  // namespace otter::http
