// An uptane::Fetcher over a path -> bytes map (usually a
// SimulatedRepository's files()), with request counting and fault injection.
//
// It honours max_bytes as the HTTP client does: a body of max_bytes is
// delivered, one byte more is CommonErrc::kTooLarge; FetchTo never hands
// more than max_bytes bytes to the sink. A missing path is kNotFound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/errors.h"
#include "support/repository_simulator.h"
#include "uptane/fetcher.h"

namespace otter::testing {

class SimulatedFetcher final : public uptane::Fetcher {
 public:
  // Serves `files` as they are at each request; the map must outlive this.
  explicit SimulatedFetcher(const FileMap& files) : files_(files) {}
  explicit SimulatedFetcher(const SimulatedRepository& repository) : files_(repository.files()) {}

  Result<std::string> Fetch(const std::string& path, std::uint64_t max_bytes) override;
  Status FetchTo(const std::string& path, std::uint64_t max_bytes, const BodySink& sink) override;

  // Every request for `path` fails with `code` (kNetwork, kTimeout, ...).
  void FailWith(const std::string& path, CommonErrc code);
  // Every request for `path` gets an endless stream of bytes: only the cap
  // stops it (or, for a client without one, a safety limit of 1 GiB that
  // sets endless_limit_reached()).
  void ServeEndless(const std::string& path);
  void ClearFault(const std::string& path);
  void ClearFaults();

  // Called before each request is served, e.g. to change the repository
  // in the middle of a cycle.
  void OnRequest(std::function<void(const std::string& path)> hook) { hook_ = std::move(hook); }
  void set_chunk_size(std::size_t bytes) { chunk_size_ = bytes > 0 ? bytes : 1; }

  int requests(const std::string& path) const;
  int total_requests() const { return static_cast<int>(log_.size()); }
  const std::vector<std::string>& request_log() const { return log_; }
  // Bytes handed out for `path`, over all its requests.
  std::uint64_t bytes_served(const std::string& path) const;
  bool endless_limit_reached() const { return endless_limit_reached_; }
  void ResetCounts();

 private:
  struct Fault {
    bool endless = false;
    CommonErrc code{};
  };

  Status Serve(const std::string& path, std::uint64_t max_bytes, const BodySink& sink);
  Status ServeBytes(const std::string& path, std::string_view bytes, std::uint64_t max_bytes,
                    const BodySink& sink);
  Status ServeEndlessStream(const std::string& path, std::uint64_t max_bytes, const BodySink& sink);
  Status Deliver(const std::string& path, std::string_view chunk, std::uint64_t max_bytes,
                 std::uint64_t& delivered, const BodySink& sink);

  const FileMap& files_;
  std::map<std::string, Fault> faults_;
  std::function<void(const std::string&)> hook_;
  std::size_t chunk_size_ = 16 * 1024;
  std::vector<std::string> log_;
  std::map<std::string, std::uint64_t> bytes_served_;
  bool endless_limit_reached_ = false;
};

}  // namespace otter::testing
