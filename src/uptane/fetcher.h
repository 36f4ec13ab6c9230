// Where a repository's files come from: HTTP in production, the repository
// simulator in tests.
#pragma once

#include <cstdint>
#include <string>

#include "common/http_client.h"
#include "common/result.h"

namespace otter::uptane {

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Fetches `path` (relative to the repository base). A missing file is
  // CommonErrc::kNotFound; more than `max_bytes` is CommonErrc::kTooLarge.
  virtual Result<std::string> Fetch(const std::string& path, std::uint64_t max_bytes) = 0;
  // The same, streamed to `sink`, for images.
  virtual Status FetchTo(const std::string& path, std::uint64_t max_bytes,
                         const BodySink& sink) = 0;
};

class HttpFetcher final : public Fetcher {
 public:
  // `base_url` without a trailing slash, e.g. "https://gw:8443/repo".
  HttpFetcher(HttpClient& client, std::string base_url);
  Result<std::string> Fetch(const std::string& path, std::uint64_t max_bytes) override;
  Status FetchTo(const std::string& path, std::uint64_t max_bytes,
                 const BodySink& sink) override;

 private:
  std::string Url(const std::string& path) const;

  HttpClient& client_;
  std::string base_url_;
};

}  // namespace otter::uptane
