#include "server_load/process_usage.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace otter::bench {
namespace {

// Fields 14 and 15 of /proc/PID/stat (utime, stime), counted after the
// command name, which may itself hold spaces and parentheses.
double CpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto name_end = stat.rfind(')');
  if (name_end == std::string::npos) return 0;
  std::istringstream fields(stat.substr(name_end + 1));
  std::string field;
  for (int i = 3; i < 14 && fields >> field; ++i) {
  }
  unsigned long long user = 0;
  unsigned long long system = 0;
  fields >> user >> system;
  return static_cast<double>(user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double RssMib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("VmRSS:")) continue;
    return std::strtod(line.c_str() + 6, nullptr) / 1024.0;  // "VmRSS:   12345 kB"
  }
  return 0;
}

}  // namespace

ProcessUsage SampleProcesses(const std::vector<int>& pids) {
  ProcessUsage usage;
  for (const int pid : pids) {
    usage.cpu_seconds += CpuSeconds(pid);
    usage.rss_mib += RssMib(pid);
  }
  return usage;
}

}  // namespace otter::bench
