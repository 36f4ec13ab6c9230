#include "treehub_client/server_api.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "common/errors.h"

namespace otter::treehub_client::internal {
namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxAnswerBytes = 16 * 1024 * 1024;

HttpClientOptions ClientOptions(const PushOptions& options) {
  HttpClientOptions client;
  client.tls.ca_file = options.ca_file;
  client.total_timeout_ms = options.timeout_ms;
  client.user_agent = "otter-push";
  return client;
}

// Ref names go into the path; anything but [A-Za-z0-9._~/-] is escaped.
std::string EscapePath(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string escaped;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '.' || c == '_' || c == '~' || c == '-' || c == '/') {
      escaped += c;
    } else {
      escaped += {'%', kHex[byte >> 4], kHex[byte & 15]};
    }
  }
  return escaped;
}

// The server's {"code", "description"}, or the status alone.
std::string Describe(const HttpResponse& response) {
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("description") && body["description"].is_string()) {
    return "HTTP " + std::to_string(response.status) + ": " +
           body["description"].get<std::string>();
  }
  return "HTTP " + std::to_string(response.status);
}

std::string ErrorCode(const HttpResponse& response) {
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("code") && body["code"].is_string()) {
    return body["code"].get<std::string>();
  }
  return {};
}

TreehubClientErrc CodeFor(const HttpResponse& response) {
  const long status = response.status;
  if (status == 401 || status == 403) return TreehubClientErrc::kUnauthorized;
  if (ErrorCode(response) == "not_fast_forward") return TreehubClientErrc::kNotFastForward;
  if (status >= 400 && status < 500) return TreehubClientErrc::kRejected;
  return TreehubClientErrc::kServer;
}

Result<json> JsonBody(const HttpResponse& response, std::string_view what) {
  json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return MakeError(TreehubClientErrc::kServer,
                     std::string(what) + ": the server's answer is not a JSON object");
  }
  return body;
}

Result<std::vector<std::string>> MissingNames(const json& body) {
  const auto missing = body.find("missing");
  if (missing == body.end() || !missing->is_array()) {
    return MakeError(TreehubClientErrc::kServer, "the server's answer lists no missing objects");
  }
  std::vector<std::string> names;
  for (const json& name : *missing) {
    if (!name.is_string())
      return MakeError(TreehubClientErrc::kServer, "a missing name is not text");
    names.push_back(name.get<std::string>());
  }
  return names;
}

Result<RefUpdate> ParseRefUpdate(const json& body) {
  try {
    RefUpdate update;
    update.ref = body.at("ref").get<std::string>();
    update.commit = body.at("commit").get<std::string>();
    if (body.contains("previous") && body["previous"].is_string()) {
      update.previous = body["previous"].get<std::string>();
    }
    update.forced = body.value("forced", false);
    return update;
  } catch (const json::exception& error) {
    return MakeError(TreehubClientErrc::kServer,
                     std::string("unreadable answer to the ref update: ") + error.what());
  }
}

}  // namespace

ServerApi::ServerApi(const PushOptions& options)
    : base_url_(options.server_url), token_(options.token), client_(ClientOptions(options)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

HttpRequest ServerApi::Request(std::string method, const std::string& path) const {
  HttpRequest request;
  request.method = std::move(method);
  request.url = base_url_ + path;
  request.max_response_bytes = kMaxAnswerBytes;
  request.headers["Authorization"] = "Bearer " + token_;
  return request;
}

Result<HttpResponse> ServerApi::Send(const HttpRequest& request, std::string_view what) {
  OTTER_ASSIGN(HttpResponse response, client_.Send(request));
  if (response.status >= 200 && response.status < 300) return response;
  return MakeError(CodeFor(response), std::string(what) + ": " + Describe(response));
}

Result<std::vector<std::string>> ServerApi::Missing(const std::vector<std::string>& names) {
  HttpRequest request = Request("POST", "/api/v1/treehub/objects/missing");
  request.headers["Content-Type"] = "application/json";
  request.body = json{{"objects", names}}.dump();
  OTTER_ASSIGN(const HttpResponse response, Send(request, "asking for missing objects"));
  OTTER_ASSIGN(const json body, JsonBody(response, "asking for missing objects"));
  return MissingNames(body);
}

Result<std::uint64_t> ServerApi::Upload(const LocalObject& object, ObjectBody body) {
  HttpRequest request = Request(
      "PUT", "/api/v1/treehub/objects/" + object.name.substr(0, 2) + "/" + object.name.substr(2));
  request.headers["Content-Type"] = "application/octet-stream";
  std::uint64_t sent = 0;
  request.body_source = [&sent, source = std::move(body.source)](char* buffer, std::size_t size) {
    Result<std::size_t> count = source(buffer, size);
    if (count.ok()) sent += *count;
    return count;
  };
  request.body_size = body.size;
  OTTER_TRY(Send(request, "uploading " + object.name));
  return sent;
}

Result<RefUpdate> ServerApi::SetRef(const std::string& ref, const std::string& commit, bool force) {
  HttpRequest request = Request("PUT", "/api/v1/treehub/refs/" + EscapePath(ref));
  request.headers["Content-Type"] = "application/json";
  request.body = json{{"commit", commit}, {"force", force}}.dump();
  OTTER_ASSIGN(const HttpResponse response, Send(request, "setting ref " + ref));
  OTTER_ASSIGN(const json body, JsonBody(response, "setting ref " + ref));
  return ParseRefUpdate(body);
}

bool IsTransient(const Error& error) {
  return error.Is(CommonErrc::kNetwork) || error.Is(CommonErrc::kTimeout) ||
         error.Is(TreehubClientErrc::kServer);
}

}  // namespace otter::treehub_client::internal
