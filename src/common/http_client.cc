#include "common/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>

#include "common/errors.h"

namespace otter {
namespace {

using Headers = std::map<std::string, std::string>;

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, HeaderListDeleter>;

// State of one transfer, shared with curl's callbacks.
struct Transfer {
  Transfer(std::uint64_t max, const BodySink& body_sink, Headers& response)
      : max_bytes(max), sink(body_sink), headers(response) {}

  std::uint64_t max_bytes;
  const BodySink& sink;
  Headers& headers;
  std::uint64_t received = 0;
  bool too_large = false;
  std::optional<Error> sink_error;
  CURL* curl = nullptr;
  bool success_body_only = false;      // streaming: an error page is not the body
  const BodySource* source = nullptr;  // a streamed request body
  std::optional<Error> source_error;
};

bool IsSuccess(CURL* curl) {
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  return status >= 200 && status < 300;
}

// Sets curl options, keeping the first failure. Values go through C
// varargs, so each must have exactly the type curl expects for the option.
class CurlOptions {
 public:
  explicit CurlOptions(CURL* curl) : curl_(curl) {}

  template <typename T>
  CurlOptions& Set(CURLoption option, T value) {
    if (result_ == CURLE_OK) result_ = curl_easy_setopt(curl_, option, value);
    return *this;
  }
  CurlOptions& SetIfGiven(CURLoption option, const std::string& value) {
    return value.empty() ? *this : Set(option, value.c_str());
  }
  CURLcode result() const { return result_; }

 private:
  CURL* curl_;
  CURLcode result_ = CURLE_OK;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t length = size * count;
  transfer.received += length;
  if (transfer.received > transfer.max_bytes) {
    transfer.too_large = true;
    return 0;  // anything but `length` aborts the transfer
  }
  if (transfer.success_body_only && !IsSuccess(transfer.curl)) return length;
  Status status = transfer.sink(std::string_view(data, length));
  if (status.ok()) return length;
  transfer.sink_error = std::move(status).error();
  return 0;
}

std::size_t OnReadBody(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  Result<std::size_t> produced = (*transfer.source)(buffer, size * count);
  if (produced.ok()) return std::min(*produced, size * count);
  transfer.source_error = std::move(produced).error();
  return CURL_READFUNC_ABORT;
}

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower;
}

void AddHeader(std::string_view line, Headers& headers) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return;  // the blank last line
  const std::string_view value = Trim(line.substr(colon + 1));
  auto [it, inserted] = headers.try_emplace(Lowercase(Trim(line.substr(0, colon))), value);
  if (!inserted) it->second.append(", ").append(value);
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  Headers& headers = static_cast<Transfer*>(user)->headers;
  const std::string_view line(data, size * count);
  // A status line starts a new response (after "100 Continue", say).
  if (line.starts_with("HTTP/")) {
    headers.clear();
  } else {
    AddHeader(line, headers);
  }
  return line.size();
}

bool HasHeader(const HttpRequest& request, std::string_view lowercase_name) {
  for (const auto& [name, value] : request.headers) {
    if (Lowercase(name) == lowercase_name) return true;
  }
  return false;
}

HeaderList BuildHeaders(const HttpRequest& request) {
  curl_slist* list = nullptr;
  auto append = [&list](const std::string& line) {
    if (curl_slist* longer = curl_slist_append(list, line.c_str())) list = longer;
  };
  // No "Expect: 100-continue" round trip, and no form content type that
  // curl would otherwise invent for a body.
  append("Expect:");
  if (!HasHeader(request, "content-type")) append("Content-Type:");
  if (request.body_source && !request.body_size) append("Transfer-Encoding: chunked");
  for (const auto& [name, value] : request.headers) {
    append(value.empty() ? name + ";" : name + ": " + value);
  }
  return HeaderList(list);
}

bool IsKnownMethod(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "POST" || method == "PUT" ||
         method == "DELETE" || method == "PATCH";
}

// A body from request.body_source: curl pulls it through OnReadBody.
void SetStreamedBody(CurlOptions& options, const HttpRequest& request, Transfer& transfer) {
  const curl_off_t size =
      request.body_size ? static_cast<curl_off_t>(*request.body_size) : curl_off_t{-1};
  options.Set(CURLOPT_UPLOAD, 1L)
      .Set(CURLOPT_INFILESIZE_LARGE, size)
      .Set(CURLOPT_READFUNCTION, &OnReadBody)
      .Set(CURLOPT_READDATA, static_cast<void*>(&transfer))
      .Set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
}

void SetMethod(CurlOptions& options, const HttpRequest& request, Transfer& transfer) {
  if (request.body_source) {
    SetStreamedBody(options, request, transfer);
    return;
  }
  if (request.method == "GET") {
    options.Set(CURLOPT_HTTPGET, 1L);
    return;
  }
  if (request.method == "HEAD") {
    options.Set(CURLOPT_NOBODY, 1L);
    return;
  }
  options.Set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "POST" || request.method == "PUT" || !request.body.empty()) {
    options.Set(CURLOPT_POSTFIELDS, request.body.data())
        .Set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
}

}  // namespace

struct HttpClient::Impl {
  explicit Impl(HttpClientOptions client_options) : options(std::move(client_options)) {
    InitCurlOnce();
    curl = curl_easy_init();
  }
  ~Impl() { curl_easy_cleanup(curl); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  Result<long> Perform(const HttpRequest& request, const BodySink& sink, Headers& headers,
                       bool success_body_only);
  CURLcode Configure(const HttpRequest& request, Transfer& transfer, curl_slist* header_list,
                     const std::string& range);
  Error TransportError(const HttpRequest& request, CURLcode code) const;

  HttpClientOptions options;
  CURL* curl;
  char error_text[CURL_ERROR_SIZE] = {};
};

CURLcode HttpClient::Impl::Configure(const HttpRequest& request, Transfer& transfer,
                                     curl_slist* header_list, const std::string& range) {
  CurlOptions set(curl);
  set.Set(CURLOPT_URL, request.url.c_str())
      .Set(CURLOPT_PROTOCOLS_STR, "http,https")
      .Set(CURLOPT_NOSIGNAL, 1L)
      .Set(CURLOPT_FOLLOWLOCATION, 0L)
      .Set(CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms)
      .Set(CURLOPT_TIMEOUT_MS, options.total_timeout_ms)
      .Set(CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes_per_sec)
      .Set(CURLOPT_LOW_SPEED_TIME, options.low_speed_sec)
      .Set(CURLOPT_USERAGENT, options.user_agent.c_str())
      .SetIfGiven(CURLOPT_CAINFO, options.tls.ca_file)
      .SetIfGiven(CURLOPT_SSLCERT, options.tls.cert_file)
      .SetIfGiven(CURLOPT_SSLKEY, options.tls.key_file)
      .SetIfGiven(CURLOPT_RANGE, range)
      .Set(CURLOPT_HTTPHEADER, header_list)
      .Set(CURLOPT_ERRORBUFFER, error_text)
      .Set(CURLOPT_WRITEFUNCTION, &OnBody)
      .Set(CURLOPT_WRITEDATA, static_cast<void*>(&transfer))
      .Set(CURLOPT_HEADERFUNCTION, &OnHeader)
      .Set(CURLOPT_HEADERDATA, static_cast<void*>(&transfer));
  SetMethod(set, request, transfer);
  return set.result();
}

Error HttpClient::Impl::TransportError(const HttpRequest& request, CURLcode code) const {
  const std::string detail = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
  return MakeError(code == CURLE_OPERATION_TIMEDOUT ? CommonErrc::kTimeout : CommonErrc::kNetwork,
                   request.method + " " + request.url + ": " + detail);
}

Result<long> HttpClient::Impl::Perform(const HttpRequest& request, const BodySink& sink,
                                       Headers& headers, bool success_body_only) {
  const std::string context = request.method + " " + request.url;
  if (curl == nullptr) {
    return MakeError(CommonErrc::kNetwork, context + ": curl_easy_init failed");
  }
  if (!IsKnownMethod(request.method)) {
    return MakeError(CommonErrc::kInvalidArgument, context + ": unsupported HTTP method");
  }
  curl_easy_reset(curl);  // keeps the open connections
  error_text[0] = '\0';
  Transfer transfer{request.max_response_bytes, sink, headers};
  transfer.curl = curl;
  if (request.body_source) transfer.source = &request.body_source;
  transfer.success_body_only = success_body_only;
  const HeaderList header_list = BuildHeaders(request);
  const std::string range =
      request.range_start > 0 ? std::to_string(request.range_start) + "-" : "";
  CURLcode code = Configure(request, transfer, header_list.get(), range);
  if (code == CURLE_OK) code = curl_easy_perform(curl);
  if (transfer.too_large) {
    return MakeError(CommonErrc::kTooLarge, context + ": response larger than " +
                                                std::to_string(request.max_response_bytes) +
                                                " bytes");
  }
  if (transfer.sink_error) return std::move(*transfer.sink_error);
  if (transfer.source_error) return std::move(*transfer.source_error);
  if (code != CURLE_OK) return TransportError(request, code);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

HttpClient::HttpClient(HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  HttpResponse response;
  const BodySink append = [&response](std::string_view chunk) {
    response.body.append(chunk);
    return Ok();
  };
  OTTER_ASSIGN(response.status, impl_->Perform(request, append, response.headers, false));
  return response;
}

Result<long> HttpClient::SendStreaming(const HttpRequest& request, const BodySink& sink) {
  Headers ignored;
  return impl_->Perform(request, sink, ignored, /*success_body_only=*/true);
}

Result<HttpResponse> HttpClient::Get(const std::string& url, std::uint64_t max_bytes) {
  HttpRequest request;
  request.url = url;
  request.max_response_bytes = max_bytes;
  return Send(request);
}

}  // namespace otter
