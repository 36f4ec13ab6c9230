#include "server_load/workload.h"

#include <unistd.h>

#include <exception>
#include <memory>

#include "common/errors.h"
#include "uptane/manifest.h"

namespace otter::bench {
namespace {

using TlsContexts = std::vector<std::unique_ptr<asio::ssl::context>>;

// After a failed connect, so that a refusing server is not hammered in a loop.
constexpr auto kReconnectPause = std::chrono::milliseconds(100);
// The image every device reports as installed; the director only records it.
constexpr char kImageSha256[] = "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4";

auto Redirect(ErrorCode& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

std::string KindOf(std::string_view path) { return std::string(path.substr(path.rfind('/') + 1)); }

// The manifest a device sends: its one ECU's version report, with the counter.
Result<std::string> SignedManifest(const BenchDevice& device, std::uint64_t counter) {
  const uptane::EcuVersionReport report{
      .ecu_serial = device.ecu_serial,
      .installed_image = {.filepath = "bench-image", .hashes = {{"sha256", kImageSha256}}},
      .report_counter = counter};
  OTTER_ASSIGN(uptane::SignedMetadata signed_report,
               uptane::SignEcuVersionReport(report, device.ecu_key));
  uptane::DeviceManifest manifest{.primary_ecu_serial = device.ecu_serial};
  manifest.ecu_version_manifests.emplace(device.ecu_serial, std::move(signed_report));
  OTTER_ASSIGN(uptane::SignedMetadata document,
               uptane::SignDeviceManifest(manifest, device.ecu_key));
  return std::move(document.bytes);
}

// Report counters must only grow, across runs against the same server too:
// start from the time in milliseconds, which grows faster than any device
// here sends manifests.
std::uint64_t FirstReportCounter() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

class DeviceSession {
 public:
  DeviceSession(asio::io_context& io, asio::ssl::context& tls, const BenchDevice& device,
                const RunOptions& options, Recorder& recorder)
      : connection_(io.get_executor(), tls, options.endpoint),
        device_(device),
        options_(options),
        recorder_(recorder) {}

  asio::awaitable<void> Run() {
    while (recorder_.Running()) co_await Poll();
  }
  std::size_t connects() const { return connection_.connects(); }

 private:
  asio::awaitable<void> Poll();
  asio::awaitable<void> SendManifest();
  asio::awaitable<void> Issue(const std::string& kind, HttpRequest request);
  HttpRequest Request(beast_http::verb method, const std::string& path) const;

  Connection connection_;
  const BenchDevice& device_;
  const RunOptions& options_;
  Recorder& recorder_;
  std::uint64_t polls_ = 0;
  std::uint64_t report_counter_ = FirstReportCounter();
};

asio::awaitable<void> DeviceSession::Poll() {
  const WorkloadOptions& workload = options_.workload;
  ++polls_;
  if (!workload.device_mix) {
    co_await Issue(KindOf(workload.path), Request(beast_http::verb::get, workload.path));
    co_return;
  }
  co_await Issue("timestamp.json", Request(beast_http::verb::get, "/director/timestamp.json"));
  if (polls_ % workload.targets_every == 0) {
    co_await Issue("targets.json", Request(beast_http::verb::get, "/director/targets.json"));
  }
  if (polls_ % workload.manifest_every == 0) co_await SendManifest();
}

asio::awaitable<void> DeviceSession::SendManifest() {
  Result<std::string> manifest = SignedManifest(device_, ++report_counter_);
  if (!manifest.ok()) {
    recorder_.Failure("manifest", manifest.error().message());
    co_return;
  }
  HttpRequest request = Request(beast_http::verb::put, "/director/manifest");
  request.set(beast_http::field::content_type, "application/json");
  request.body() = std::move(*manifest);
  co_await Issue("manifest", std::move(request));
}

// Times the exchange only: connecting is not part of a request's latency.
asio::awaitable<void> DeviceSession::Issue(const std::string& kind, HttpRequest request) {
  const Status connected = co_await connection_.EnsureConnected();
  if (!connected.ok()) {
    recorder_.Failure(kind, connected.error().message());
    asio::steady_timer pause(co_await asio::this_coro::executor, kReconnectPause);
    ErrorCode ignored;
    co_await pause.async_wait(Redirect(ignored));
    co_return;
  }
  const auto start = BenchClock::now();
  const Result<Reply> reply = co_await connection_.Exchange(std::move(request));
  const auto finish = BenchClock::now();
  if (!reply.ok()) {
    recorder_.Failure(kind, reply.error().message());
  } else if (reply->status >= 300) {
    recorder_.Failure(kind, "HTTP " + std::to_string(reply->status));
  } else {
    recorder_.Success(kind, start, finish);
  }
}

HttpRequest DeviceSession::Request(beast_http::verb method, const std::string& path) const {
  HttpRequest request(method, path, 11);
  request.set(beast_http::field::host, options_.endpoint.host);
  request.set(beast_http::field::accept, "application/json");
  return request;
}

Result<TlsContexts> MakeTlsContexts(const RunOptions& options,
                                    const std::vector<BenchDevice>& devices) {
  TlsContexts contexts;
  for (const BenchDevice& device : devices) {
    OTTER_ASSIGN(auto tls,
                 ClientTlsContext(options.ca_file, device.certificate_pem, device.key_pem));
    contexts.push_back(std::move(tls));
  }
  return contexts;
}

// /proc samples of this process and the server at both ends of the window.
asio::awaitable<void> SampleWindow(const Recorder& recorder, const std::vector<int>& server_pids,
                                   WindowUsage& usage) {
  asio::steady_timer timer(co_await asio::this_coro::executor, recorder.measure_start());
  ErrorCode ignored;
  co_await timer.async_wait(Redirect(ignored));
  usage.client_start = SampleProcesses({getpid()});
  usage.server_start = SampleProcesses(server_pids);
  timer.expires_at(recorder.measure_end());
  co_await timer.async_wait(Redirect(ignored));
  usage.client_end = SampleProcesses({getpid()});
  usage.server_end = SampleProcesses(server_pids);
}

// Surfaces an exception escaping a coroutine from io_context::run.
void Rethrow(const std::exception_ptr& error) {
  if (error) std::rethrow_exception(error);
}

}  // namespace

std::string WorkloadName(const WorkloadOptions& options) {
  return options.device_mix ? "device mix" : "GET " + options.path;
}

Result<RunSummary> RunLoad(const RunOptions& options, const std::vector<BenchDevice>& devices) {
  if (options.workload.targets_every == 0 || options.workload.manifest_every == 0) {
    return MakeError(CommonErrc::kInvalidArgument, "targets_every and manifest_every must be > 0");
  }
  OTTER_ASSIGN(const TlsContexts tls, MakeTlsContexts(options, devices));
  asio::io_context io(1);
  Recorder recorder(BenchClock::now() + options.warmup, options.duration);
  std::vector<std::unique_ptr<DeviceSession>> sessions;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    sessions.push_back(std::make_unique<DeviceSession>(io, *tls[i], devices[i], options, recorder));
    asio::co_spawn(io, sessions.back()->Run(), Rethrow);
  }
  WindowUsage usage;
  asio::co_spawn(io, SampleWindow(recorder, options.server_pids, usage), Rethrow);
  try {
    io.run();
  } catch (const std::exception& e) {
    return MakeError(CommonErrc::kNetwork, std::string("load generator: ") + e.what());
  }
  std::size_t connects = 0;
  for (const auto& session : sessions) connects += session->connects();
  return Summarize({options.label, WorkloadName(options.workload), devices.size(), connects},
                   recorder, usage);
}

}  // namespace otter::bench
