#include "support/simulated_fetcher.h"

#include <algorithm>
#include <utility>

namespace otter::testing {
namespace {

constexpr std::uint64_t kEndlessSafetyLimit = std::uint64_t{1} << 30;

Error FetchError(CommonErrc code, const std::string& path, const std::string& what) {
  return MakeError(code, path + ": " + what);
}

}  // namespace

Result<std::string> SimulatedFetcher::Fetch(const std::string& path, std::uint64_t max_bytes) {
  std::string body;
  OTTER_TRY(Serve(path, max_bytes, [&body](std::string_view chunk) {
    body.append(chunk);
    return Ok();
  }));
  return body;
}

Status SimulatedFetcher::FetchTo(const std::string& path, std::uint64_t max_bytes,
                                 const BodySink& sink) {
  return Serve(path, max_bytes, sink);
}

void SimulatedFetcher::FailWith(const std::string& path, CommonErrc code) {
  faults_[path] = Fault{.endless = false, .code = code};
}

void SimulatedFetcher::ServeEndless(const std::string& path) {
  faults_[path] = Fault{.endless = true, .code = {}};
}

void SimulatedFetcher::ClearFault(const std::string& path) { faults_.erase(path); }

void SimulatedFetcher::ClearFaults() { faults_.clear(); }

int SimulatedFetcher::requests(const std::string& path) const {
  return static_cast<int>(std::count(log_.begin(), log_.end(), path));
}

std::uint64_t SimulatedFetcher::bytes_served(const std::string& path) const {
  auto it = bytes_served_.find(path);
  return it == bytes_served_.end() ? 0 : it->second;
}

void SimulatedFetcher::ResetCounts() {
  log_.clear();
  bytes_served_.clear();
  endless_limit_reached_ = false;
}

Status SimulatedFetcher::Serve(const std::string& path, std::uint64_t max_bytes,
                               const BodySink& sink) {
  if (hook_) hook_(path);
  log_.push_back(path);
  auto fault = faults_.find(path);
  if (fault != faults_.end() && fault->second.endless)
    return ServeEndlessStream(path, max_bytes, sink);
  if (fault != faults_.end())
    return FetchError(fault->second.code, path,
                      "simulated " + make_error_code(fault->second.code).message());
  auto file = files_.find(path);
  if (file == files_.end()) return FetchError(CommonErrc::kNotFound, path, "HTTP 404");
  return ServeBytes(path, file->second, max_bytes, sink);
}

Status SimulatedFetcher::ServeBytes(const std::string& path, std::string_view bytes,
                                    std::uint64_t max_bytes, const BodySink& sink) {
  std::uint64_t delivered = 0;
  for (std::size_t offset = 0; offset < bytes.size(); offset += chunk_size_) {
    OTTER_TRY(Deliver(path, bytes.substr(offset, chunk_size_), max_bytes, delivered, sink));
  }
  return Ok();
}

Status SimulatedFetcher::ServeEndlessStream(const std::string& path, std::uint64_t max_bytes,
                                            const BodySink& sink) {
  std::string chunk(chunk_size_, 'x');
  std::uint64_t delivered = 0;
  while (delivered < kEndlessSafetyLimit) {
    OTTER_TRY(Deliver(path, chunk, max_bytes, delivered, sink));
  }
  endless_limit_reached_ = true;
  return FetchError(CommonErrc::kNetwork, path, "endless stream reached the safety limit");
}

// Hands the sink what fits under the cap; kTooLarge when the chunk did not.
Status SimulatedFetcher::Deliver(const std::string& path, std::string_view chunk,
                                 std::uint64_t max_bytes, std::uint64_t& delivered,
                                 const BodySink& sink) {
  std::uint64_t room = max_bytes - std::min(max_bytes, delivered);
  std::string_view allowed = chunk.substr(0, std::min<std::uint64_t>(room, chunk.size()));
  if (!allowed.empty()) {
    delivered += allowed.size();
    bytes_served_[path] += allowed.size();
    OTTER_TRY(sink(allowed));
  }
  if (allowed.size() < chunk.size())
    return FetchError(CommonErrc::kTooLarge, path,
                      "more than " + std::to_string(max_bytes) + " bytes");
  return Ok();
}

}  // namespace otter::testing
