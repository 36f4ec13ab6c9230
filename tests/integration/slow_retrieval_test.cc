// Security matrix case 45: slow retrieval. A repository served over HTTP on
// 127.0.0.1 trickles or stalls timestamp.json; the real HttpClient, HttpFetcher
// and Repository have to give up in bounded time, keep the trusted state, and
// succeed once the server behaves.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "common/http_client.h"
#include "support/http_test_server.h"
#include "support/must.h"
#include "support/repository_simulator.h"
#include "uptane/errors.h"
#include "uptane/fetcher.h"
#include "uptane/metadata_store.h"
#include "uptane/repository.h"

namespace otter::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr char kTimestampPath[] = "repo/timestamp.json";

class SlowRetrievalTest : public ::testing::Test {
 protected:
  SlowRetrievalTest() {
    repo_.AddTarget("fw.bin", "firmware");
    repo_.Publish();
    server_.SetFiles(repo_.files(), "repo");
    MustOk(store_.Save("root", repo_.root_bytes(1)), "seeding root");
  }

  // One refresh with a fresh client, as an agent's update cycle does it.
  Status Refresh(const HttpClientOptions& options) {
    HttpClient client(options);
    uptane::HttpFetcher fetcher(client, server_.url() + "/repo");
    uptane::Repository repository("image", store_, fetcher);
    return repository.Refresh(repo_.start() + std::chrono::hours(1));
  }

  // Gives up below 100 bytes per second over one second.
  static HttpClientOptions LowSpeedLimit() {
    HttpClientOptions options;
    options.low_speed_bytes_per_sec = 100;
    options.low_speed_sec = 1;
    return options;
  }

  void ExpectOnlyRootTrusted() const {
    EXPECT_EQ(store_.files().size(), 1u);
    EXPECT_EQ(store_.files().at("root"), repo_.root_bytes(1));
  }

  SimulatedRepository repo_;
  HttpTestServer server_;
  uptane::MemoryMetadataStore store_;
};

TEST_F(SlowRetrievalTest, Case45_TrickledTimestampIsAbortedInBoundedTime) {
  server_.SetFault(kTimestampPath, HttpFault::Trickle(1, milliseconds(700)));
  const auto started = Clock::now();
  const Status refreshed = Refresh(LowSpeedLimit());
  const auto elapsed = Clock::now() - started;
  ASSERT_FALSE(refreshed.ok()) << "a trickled timestamp was accepted";
  EXPECT_EQ(refreshed.error().code(), make_error_code(uptane::UptaneErrc::kFetchFailed))
      << refreshed.error().message();
  EXPECT_LT(elapsed, seconds(5));
  ExpectOnlyRootTrusted();

  server_.ClearFault(kTimestampPath);
  const Status retried = Refresh(LowSpeedLimit());
  ASSERT_TRUE(retried.ok()) << retried.error().message();
  EXPECT_EQ(store_.files().at("timestamp"), repo_.files().at("timestamp.json"));
}

TEST_F(SlowRetrievalTest, Case45_TrickleAboveTheThresholdIsAccepted) {
  server_.SetFault(kTimestampPath, HttpFault::Trickle(256, milliseconds(50)));
  const Status refreshed = Refresh(LowSpeedLimit());
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().message();
  EXPECT_EQ(store_.files().at("timestamp"), repo_.files().at("timestamp.json"));
}

TEST_F(SlowRetrievalTest, Case45_StalledTimestampIsAbortedByTheTotalTimeout) {
  server_.SetFault(kTimestampPath, HttpFault::Stall(milliseconds(10'000)));
  HttpClientOptions options;
  options.total_timeout_ms = 1'500;
  const auto started = Clock::now();
  const Status refreshed = Refresh(options);
  const auto elapsed = Clock::now() - started;
  ASSERT_FALSE(refreshed.ok()) << "a stalled timestamp was accepted";
  EXPECT_EQ(refreshed.error().code(), make_error_code(uptane::UptaneErrc::kFetchFailed))
      << refreshed.error().message();
  EXPECT_LT(elapsed, seconds(5));
  ExpectOnlyRootTrusted();

  server_.ClearFault(kTimestampPath);
  const Status retried = Refresh(options);
  ASSERT_TRUE(retried.ok()) << retried.error().message();
  EXPECT_EQ(store_.files().at("timestamp"), repo_.files().at("timestamp.json"));
}

}  // namespace
}  // namespace otter::testing
