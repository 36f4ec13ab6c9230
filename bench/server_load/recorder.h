// Collects what happened to each request of a run. Only requests that start
// and finish inside the measured window count for throughput and latency;
// errors count whenever they happen, warm-up included, so none is hidden.
// Single-threaded, like the load generator.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace otter::bench {

using BenchClock = std::chrono::steady_clock;

struct KindRecord {
  std::vector<std::uint32_t> latencies_us;  // successful requests inside the window
  std::uint64_t errors = 0;
};

class Recorder {
 public:
  Recorder(BenchClock::time_point measure_start, BenchClock::duration measured)
      : measure_start_(measure_start), measure_end_(measure_start + measured) {}

  bool Running() const { return BenchClock::now() < measure_end_; }
  BenchClock::time_point measure_start() const { return measure_start_; }
  BenchClock::time_point measure_end() const { return measure_end_; }

  void Success(const std::string& kind, BenchClock::time_point start,
               BenchClock::time_point finish);
  // `what` groups errors in the report: "timestamp.json: HTTP 503".
  void Failure(const std::string& kind, const std::string& what);

  const std::map<std::string, KindRecord>& kinds() const { return kinds_; }
  const std::map<std::string, std::uint64_t>& errors() const { return errors_; }

 private:
  BenchClock::time_point measure_start_;
  BenchClock::time_point measure_end_;
  std::map<std::string, KindRecord> kinds_;
  std::map<std::string, std::uint64_t> errors_;
};

// Nearest-rank percentile (0 < p <= 1) in milliseconds; 0 for no samples.
double PercentileMs(std::vector<std::uint32_t> latencies_us, double p);

}  // namespace otter::bench
