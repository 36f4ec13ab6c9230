// The figures of one run: printed, and saved as JSON so that `report` can
// put the otter-server runs beside the nginx baseline of the same session.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "server_load/process_usage.h"
#include "server_load/recorder.h"

namespace otter::bench {

struct KindSummary {
  std::string kind{};          // "timestamp.json", "targets.json", "manifest"
  std::uint64_t requests = 0;  // successful, inside the window
  double requests_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::uint64_t errors = 0;  // whole run
};

struct RunSummary {
  std::string label{};     // "otter", "nginx", ...
  std::string workload{};  // "device mix" or "GET /director/timestamp.json"
  std::size_t connections = 0;
  double seconds = 0;  // the measured window
  std::uint64_t requests = 0;
  double requests_per_s = 0;
  std::vector<KindSummary> kinds{};
  std::map<std::string, std::uint64_t> errors{};  // "kind: what" -> count
  std::size_t connects = 0;       // TLS connections opened; == connections when keep-alive held
  double client_cpu_percent = 0;  // the load generator, in % of one core
  double server_cpu_percent = 0;  // the watched server processes, in % of one core
  double server_rss_mib = 0;      // at the end of the window
};

// /proc samples at the start and the end of the measured window.
struct WindowUsage {
  ProcessUsage client_start;
  ProcessUsage client_end;
  ProcessUsage server_start;
  ProcessUsage server_end;
};

struct RunFacts {
  std::string label{};
  std::string workload{};
  std::size_t connections = 0;
  std::size_t connects = 0;
};

RunSummary Summarize(const RunFacts& facts, const Recorder& recorder, const WindowUsage& usage);

nlohmann::json ToJson(const RunSummary& summary);
Result<RunSummary> ParseRunSummary(const nlohmann::json& value);

// Markdown: one table of throughput and resources per run, one of latency
// per run and request kind, and the errors if there were any.
std::string FormatRuns(const std::vector<RunSummary>& runs);
// The ratio of each run with the baseline's workload to the baseline:
// "otter / nginx, GET /director/timestamp.json: 0.40x the requests/s, ...".
std::string FormatRatios(const std::vector<RunSummary>& runs, const RunSummary& baseline);

}  // namespace otter::bench
