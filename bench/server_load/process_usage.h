// CPU time and resident memory of processes, read from /proc: how much of
// the machine the server (and the load generator itself) used in a window.
#pragma once

#include <vector>

namespace otter::bench {

struct ProcessUsage {
  double cpu_seconds = 0;  // user + system, since the process started
  double rss_mib = 0;      // resident now
};

// Summed over `pids`; a process that is gone counts nothing.
ProcessUsage SampleProcesses(const std::vector<int>& pids);

}  // namespace otter::bench
