#include "uptane/fetcher.h"

#include "common/errors.h"

namespace otter::uptane {
namespace {

Status CheckStatus(long status, const std::string& url) {
  if (status == 200 || status == 206) return Ok();
  if (status == 404) return MakeError(CommonErrc::kNotFound, url + ": HTTP 404");
  return MakeError(CommonErrc::kHttpStatus, url + ": HTTP " + std::to_string(status));
}

}  // namespace

HttpFetcher::HttpFetcher(HttpClient& client, std::string base_url)
    : client_(client), base_url_(std::move(base_url)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::string HttpFetcher::Url(const std::string& path) const { return base_url_ + "/" + path; }

Result<std::string> HttpFetcher::Fetch(const std::string& path, std::uint64_t max_bytes) {
  const std::string url = Url(path);
  OTTER_ASSIGN(HttpResponse response, client_.Get(url, max_bytes));
  OTTER_TRY(CheckStatus(response.status, url));
  return std::move(response.body);
}

Status HttpFetcher::FetchTo(const std::string& path, std::uint64_t max_bytes, const BodySink& sink) {
  HttpRequest request;
  request.url = Url(path);
  request.max_response_bytes = max_bytes;
  OTTER_ASSIGN(long status, client_.SendStreaming(request, sink));
  return CheckStatus(status, request.url);
}

}  // namespace otter::uptane
