#include "server_load/recorder.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace otter::bench {

void Recorder::Success(const std::string& kind, BenchClock::time_point start,
                       BenchClock::time_point finish) {
  KindRecord& record = kinds_[kind];
  if (start < measure_start_ || finish > measure_end_) return;
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(finish - start).count();
  const auto capped = std::min<long long>(micros, std::numeric_limits<std::uint32_t>::max());
  record.latencies_us.push_back(static_cast<std::uint32_t>(capped));
}

void Recorder::Failure(const std::string& kind, const std::string& what) {
  ++kinds_[kind].errors;
  ++errors_[kind + ": " + what];
}

double PercentileMs(std::vector<std::uint32_t> latencies_us, double p) {
  if (latencies_us.empty()) return 0;
  const auto rank =
      static_cast<std::size_t>(std::ceil(p * static_cast<double>(latencies_us.size())));
  const std::size_t index = std::clamp<std::size_t>(rank, 1, latencies_us.size()) - 1;
  std::nth_element(latencies_us.begin(), latencies_us.begin() + static_cast<long>(index),
                   latencies_us.end());
  return latencies_us[index] / 1000.0;
}

}  // namespace otter::bench
