// A blocking HTTP(S) client over libcurl, with byte caps, timeouts, Range
// and TLS client certificates. One instance per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace otter {

struct TlsOptions {
  std::string ca_file;    // verify the server against this CA (PEM)
  std::string cert_file;  // client certificate (PEM), for mTLS
  std::string key_file;   // client key (PEM)
};

struct HttpClientOptions {
  long connect_timeout_ms = 10'000;
  long total_timeout_ms = 0;  // 0: none
  // Abort when fewer than low_speed_bytes_per_sec arrive for low_speed_sec.
  long low_speed_bytes_per_sec = 1;
  long low_speed_sec = 30;
  TlsOptions tls;
  std::string user_agent = "otter";
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lowercase names
};

// Produces a request body piece by piece: fills `buffer` with up to `size`
// bytes and returns how many it wrote, 0 at the end of the body. An error
// aborts the transfer and is what Send returns.
using BodySource = std::function<Result<std::size_t>(char* buffer, std::size_t size)>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  // When set, the body is read from here instead of `body`: exactly
  // `body_size` bytes, or sent chunked when body_size is unset.
  BodySource body_source;
  std::optional<std::uint64_t> body_size;
  std::map<std::string, std::string> headers;
  std::uint64_t max_response_bytes = 64 * 1024 * 1024;
  std::uint64_t range_start = 0;  // > 0: sends "Range: bytes=N-"
};

// Receives the body as it arrives; an error aborts the transfer.
using BodySink = std::function<Status(std::string_view chunk)>;

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any status is a value; transport failures, timeouts (kTimeout) and a body
  // over max_response_bytes (kTooLarge) are errors.
  Result<HttpResponse> Send(const HttpRequest& request);
  // Streams the body to `sink` instead of collecting it; returns the status.
  // Only a 2xx body reaches the sink: an error page is read and dropped.
  Result<long> SendStreaming(const HttpRequest& request, const BodySink& sink);

  Result<HttpResponse> Get(const std::string& url, std::uint64_t max_bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace otter
