#include "cli/admin_client.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <memory>

#include "cli/errors.h"
#include "common/file.h"

namespace otter::cli {
namespace {

using nlohmann::json;
constexpr std::uint64_t kMaxAnswerBytes = 64 * 1024 * 1024;

HttpClientOptions ClientOptions(const ServerOptions& options) {
  HttpClientOptions client;
  client.tls.ca_file = options.ca_file;
  client.user_agent = "otter-cli";
  return client;
}

CliErrc CodeForStatus(long status) {
  if (status == 401 || status == 403) return CliErrc::kUnauthorized;
  if (status == 404) return CliErrc::kNotFound;
  if (status == 409) return CliErrc::kConflict;
  if (status == 412) return CliErrc::kChangedMeanwhile;
  if (status >= 400 && status < 500) return CliErrc::kRefused;
  return CliErrc::kServer;
}

std::string Description(const HttpResponse& response) {
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("description") && body["description"].is_string())
    return body["description"].get<std::string>();
  return "";
}

Result<json> ParseAnswer(const HttpResponse& response, std::string_view what) {
  if (response.body.empty()) return json::object();
  json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded())
    return MakeError(CliErrc::kServer, std::string(what) + ": the answer is not JSON");
  return body;
}

std::string Trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

Result<std::string> ReadTokenFile(const std::filesystem::path& path) {
  OTTER_ASSIGN_CONTEXT(std::string text, ReadFile(path, 64 * 1024),
                       "reading token file " + path.string());
  std::string token = Trim(text.substr(0, text.find('\n')));
  if (token.empty()) return MakeError(CliErrc::kInvalidInput, path.string() + " holds no token");
  return token;
}

std::string ApiErrorCode(const HttpResponse& response) {
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("code") && body["code"].is_string())
    return body["code"].get<std::string>();
  return "";
}

Error ApiError(const HttpResponse& response, std::string_view what) {
  std::string message = std::string(what) + ": ";
  const std::string description = Description(response);
  message += description.empty() ? "the server answered" : description;
  message += " (HTTP " + std::to_string(response.status);
  if (const std::string code = ApiErrorCode(response); !code.empty()) message += " " + code;
  message += ")";
  return MakeError(CodeForStatus(response.status), std::move(message));
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += {'%', kHex[byte >> 4], kHex[byte & 15]};
    }
  }
  return out;
}

AdminClient::AdminClient(ServerOptions options)
    : options_(std::move(options)), client_(std::make_unique<HttpClient>(ClientOptions(options_))) {
  while (options_.url.ends_with('/')) options_.url.pop_back();
}

Result<HttpResponse> AdminClient::Send(HttpRequest request) {
  request.url = options_.url + request.url;
  request.headers["Authorization"] = "Bearer " + options_.token;
  request.max_response_bytes = kMaxAnswerBytes;
  return client_->Send(request);  // transport errors name the method and URL
}

Result<HttpResponse> AdminClient::Call(HttpRequest request) {
  const std::string what = request.method + " " + request.url;
  OTTER_ASSIGN(HttpResponse response, Send(std::move(request)));
  if (response.status < 200 || response.status >= 300) return ApiError(response, what);
  return response;
}

Result<json> AdminClient::GetJson(const std::string& path) {
  HttpRequest request;
  request.url = path;
  request.headers["Accept"] = "application/json";
  OTTER_ASSIGN(HttpResponse response, Call(std::move(request)));
  return ParseAnswer(response, path);
}

Result<json> AdminClient::SendJson(const std::string& method, const std::string& path,
                                   const json& body) {
  HttpRequest request;
  request.method = method;
  request.url = path;
  if (!body.is_null()) {
    request.body = body.dump();
    request.headers["Content-Type"] = "application/json";
  }
  request.headers["Accept"] = "application/json";
  OTTER_ASSIGN(HttpResponse response, Call(std::move(request)));
  return ParseAnswer(response, path);
}

Result<json> AdminClient::UploadFile(const std::string& path, const std::filesystem::path& file) {
  std::shared_ptr<std::FILE> in(std::fopen(file.c_str(), "rb"), FileCloser());
  if (!in) return ErrnoError("opening " + file.string(), errno);
  std::error_code error;
  const auto size = std::filesystem::file_size(file, error);
  if (error) return MakeError(CliErrc::kInvalidInput, file.string() + ": " + error.message());
  HttpRequest request;
  request.method = "PUT";
  request.url = path;
  request.headers["Content-Type"] = "application/octet-stream";
  request.body_size = size;
  request.body_source = [in, file](char* buffer, std::size_t capacity) -> Result<std::size_t> {
    const std::size_t got = std::fread(buffer, 1, capacity, in.get());
    if (got == 0 && std::ferror(in.get()) != 0)
      return ErrnoError("reading " + file.string(), errno);
    return got;
  };
  OTTER_ASSIGN(HttpResponse response, Call(std::move(request)));
  return ParseAnswer(response, path);
}

}  // namespace otter::cli
