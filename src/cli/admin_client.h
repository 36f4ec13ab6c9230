// The admin API of otter-server as the CLI calls it: bearer token, the
// server CA, JSON in and out, and the server's {"code", "description"} as
// the error message.
//
//   AdminClient client({.url = "https://127.0.0.1:8444", .token = token,
//                       .ca_file = "data/ca/ca.pem"});
//   OTTER_ASSIGN(nlohmann::json keys, client.GetJson("/api/v1/image-repo/online-keys"));
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/http_client.h"
#include "common/result.h"

namespace otter::cli {

struct ServerOptions {
  std::string url = "https://127.0.0.1:8444";
  std::string token;
  std::string ca_file;  // empty: the system's CAs
};

// The token from a file (first line, whitespace trimmed); kInvalidInput when
// it is empty.
Result<std::string> ReadTokenFile(const std::filesystem::path& path);

// An answer outside 2xx as an error: 401/403 kUnauthorized, 404 kNotFound,
// 409 kConflict, 412 kChangedMeanwhile, other 4xx kRefused, else kServer.
// The message is "<what>: <description> (HTTP <status> <code>)".
Error ApiError(const HttpResponse& response, std::string_view what);

// The JSON "code" of an error answer, or "".
std::string ApiErrorCode(const HttpResponse& response);

class AdminClient {
 public:
  explicit AdminClient(ServerOptions options);

  // Sends `request` (a path relative to the server URL) with the token;
  // any status is returned.
  Result<HttpResponse> Send(HttpRequest request);

  // The body of a 2xx answer, or ApiError.
  Result<HttpResponse> Call(HttpRequest request);
  Result<nlohmann::json> GetJson(const std::string& path);
  Result<nlohmann::json> SendJson(const std::string& method, const std::string& path,
                                  const nlohmann::json& body);
  // Streams a file as the body of a PUT; returns the JSON answer.
  Result<nlohmann::json> UploadFile(const std::string& path, const std::filesystem::path& file);

  const ServerOptions& options() const { return options_; }

 private:
  ServerOptions options_;
  std::unique_ptr<HttpClient> client_;  // movable
};

// Percent-encodes a path segment or query value.
std::string UrlEncode(std::string_view text);

}  // namespace otter::cli
