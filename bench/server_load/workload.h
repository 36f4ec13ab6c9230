// What each simulated device does, and the run that drives all of them: one
// keep-alive mTLS connection per device, each with one request in flight
// and no pause between requests (a closed loop: the figures are the most
// the server answers, not a realistic fleet's rate).
//
// The device mix, per poll of each device:
//   GET /director/timestamp.json                   every poll
//   GET /director/targets.json                     every targets_every-th poll ("changed")
//   PUT /director/manifest, freshly signed        every manifest_every-th poll
// The GET workload fetches one path over and over: the same request for
// otter-server and for nginx serving a static copy of the file.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "server_load/connection.h"
#include "server_load/devices.h"
#include "server_load/summary.h"

namespace otter::bench {

struct WorkloadOptions {
  bool device_mix = true;  // false: GET `path` only
  std::string path = "/director/timestamp.json";
  std::uint64_t targets_every = 10;
  std::uint64_t manifest_every = 10;
};

struct RunOptions {
  std::string label;
  Endpoint endpoint;
  std::string ca_file;
  WorkloadOptions workload;
  std::chrono::seconds warmup{5};
  std::chrono::seconds duration{20};
  std::vector<int> server_pids;  // whose CPU and memory the summary reports
};

// The workload as the summary names it: "device mix" or "GET <path>".
std::string WorkloadName(const WorkloadOptions& options);

// One connection per device for warmup + duration; measures the duration.
Result<RunSummary> RunLoad(const RunOptions& options, const std::vector<BenchDevice>& devices);

}  // namespace otter::bench
