#include "server_load/summary.h"

#include <fmt/format.h>

#include <chrono>

#include "common/errors.h"

namespace otter::bench {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(KindSummary, kind, requests, requests_per_s, p50_ms, p99_ms,
                                   errors)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RunSummary, label, workload, connections, seconds, requests,
                                   requests_per_s, kinds, errors, connects, client_cpu_percent,
                                   server_cpu_percent, server_rss_mib)

namespace {

double Percent(double cpu_seconds, double seconds) {
  return seconds > 0 ? 100.0 * cpu_seconds / seconds : 0;
}

// Less sensitive than requests/s to other work on the machine.
double ServerCpuMicrosPerRequest(const RunSummary& run) {
  return run.requests_per_s > 0 ? run.server_cpu_percent * 1e4 / run.requests_per_s : 0;
}

KindSummary SummarizeKind(const std::string& kind, const KindRecord& record, double seconds) {
  const auto requests = static_cast<std::uint64_t>(record.latencies_us.size());
  return {.kind = kind,
          .requests = requests,
          .requests_per_s = seconds > 0 ? static_cast<double>(requests) / seconds : 0,
          .p50_ms = PercentileMs(record.latencies_us, 0.50),
          .p99_ms = PercentileMs(record.latencies_us, 0.99),
          .errors = record.errors};
}

// "n/a" for the server's figures when no server process was watched.
std::string ServerColumns(const RunSummary& run) {
  if (run.server_rss_mib == 0) return "n/a | n/a | n/a";
  return fmt::format("{:.0f}% | {:.0f} µs | {:.0f} MiB", run.server_cpu_percent,
                     ServerCpuMicrosPerRequest(run), run.server_rss_mib);
}

std::string ThroughputTable(const std::vector<RunSummary>& runs) {
  std::string table =
      "| run | workload | connections | requests/s | TLS connects | server CPU | server CPU per "
      "request | server RSS | load generator CPU |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const RunSummary& run : runs) {
    table += fmt::format("| {} | {} | {} | {:.0f} | {} | {} | {:.0f}% |\n", run.label, run.workload,
                         run.connections, run.requests_per_s, run.connects, ServerColumns(run),
                         run.client_cpu_percent);
  }
  return table;
}

std::string LatencyTable(const std::vector<RunSummary>& runs) {
  std::string table =
      "| run | request | requests/s | p50 ms | p99 ms | errors |\n|---|---|---:|---:|---:|---:|\n";
  for (const RunSummary& run : runs) {
    for (const KindSummary& kind : run.kinds) {
      table += fmt::format("| {} | {} | {:.0f} | {:.2f} | {:.2f} | {} |\n", run.label, kind.kind,
                           kind.requests_per_s, kind.p50_ms, kind.p99_ms, kind.errors);
    }
  }
  return table;
}

std::string ErrorList(const std::vector<RunSummary>& runs) {
  std::string list;
  for (const RunSummary& run : runs) {
    for (const auto& [what, count] : run.errors) {
      list += fmt::format("- {} ({}): {} x {}\n", run.label, run.workload, count, what);
    }
  }
  return list.empty() ? "" : "\nErrors:\n" + list;
}

double Ratio(double value, double baseline) { return baseline > 0 ? value / baseline : 0; }

std::string FormatRatio(const RunSummary& run, const RunSummary& baseline) {
  if (run.kinds.empty() || baseline.kinds.empty()) return "";
  const KindSummary& ours = run.kinds.front();
  const KindSummary& theirs = baseline.kinds.front();
  return fmt::format(
      "{} / {}, {}: {:.2f}x the requests/s, {:.2f}x the p50 latency, {:.2f}x the p99 latency, "
      "{:.1f}x the server CPU per request\n",
      run.label, baseline.label, run.workload, Ratio(run.requests_per_s, baseline.requests_per_s),
      Ratio(ours.p50_ms, theirs.p50_ms), Ratio(ours.p99_ms, theirs.p99_ms),
      Ratio(ServerCpuMicrosPerRequest(run), ServerCpuMicrosPerRequest(baseline)));
}

}  // namespace

RunSummary Summarize(const RunFacts& facts, const Recorder& recorder, const WindowUsage& usage) {
  const double seconds =
      std::chrono::duration<double>(recorder.measure_end() - recorder.measure_start()).count();
  RunSummary summary{.label = facts.label,
                     .workload = facts.workload,
                     .connections = facts.connections,
                     .seconds = seconds,
                     .errors = recorder.errors(),
                     .connects = facts.connects};
  for (const auto& [kind, record] : recorder.kinds()) {
    summary.kinds.push_back(SummarizeKind(kind, record, seconds));
    summary.requests += summary.kinds.back().requests;
  }
  summary.requests_per_s = seconds > 0 ? static_cast<double>(summary.requests) / seconds : 0;
  summary.client_cpu_percent =
      Percent(usage.client_end.cpu_seconds - usage.client_start.cpu_seconds, seconds);
  summary.server_cpu_percent =
      Percent(usage.server_end.cpu_seconds - usage.server_start.cpu_seconds, seconds);
  summary.server_rss_mib = usage.server_end.rss_mib;
  return summary;
}

nlohmann::json ToJson(const RunSummary& summary) { return summary; }

Result<RunSummary> ParseRunSummary(const nlohmann::json& value) {
  try {
    return value.get<RunSummary>();
  } catch (const nlohmann::json::exception& e) {
    return MakeError(CommonErrc::kParse, std::string("not a run summary: ") + e.what());
  }
}

std::string FormatRuns(const std::vector<RunSummary>& runs) {
  return ThroughputTable(runs) + "\n" + LatencyTable(runs) + ErrorList(runs);
}

std::string FormatRatios(const std::vector<RunSummary>& runs, const RunSummary& baseline) {
  std::string ratios;
  for (const RunSummary& run : runs) {
    if (run.label == baseline.label || run.workload != baseline.workload) continue;
    ratios += FormatRatio(run, baseline);
  }
  return ratios;
}

}  // namespace otter::bench
