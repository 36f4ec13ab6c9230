#include "cli/image_repo_api.h"

#include "cli/errors.h"
#include "uptane/tuf_json.h"

namespace otter::cli {
namespace {

using nlohmann::json;
constexpr std::string_view kApi = "/api/v1/image-repo";

std::string Api(std::string_view rest) { return std::string(kApi) + std::string(rest); }

Result<std::uint64_t> VersionOf(const json& answer, std::string_view what) {
  const auto version = answer.find("version");
  if (version == answer.end() || !version->is_number_unsigned())
    return MakeError(CliErrc::kServer, std::string(what) + ": the answer has no version");
  return version->get<std::uint64_t>();
}

std::string Join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ",") + item;
  return joined;
}

std::string ContentQuery(const ContentUpload& upload) {
  std::string query = "?sha256=" + upload.sha256 + "&length=" + std::to_string(upload.length);
  if (!upload.name) return query;
  query += "&name=" + UrlEncode(*upload.name);
  if (!upload.version.empty()) query += "&version=" + UrlEncode(upload.version);
  if (!upload.format.empty()) query += "&target_format=" + UrlEncode(upload.format);
  if (!upload.hardware_ids.empty())
    query += "&hardware_ids=" + UrlEncode(Join(upload.hardware_ids));
  if (upload.release_counter)
    query += "&release_counter=" + std::to_string(*upload.release_counter);
  return query;
}

}  // namespace

Result<OnlineKeys> FetchOnlineKeys(AdminClient& client) {
  OTTER_ASSIGN(const json answer, client.GetJson(Api("/online-keys")));
  return ParseOnlineKeys(answer);
}

Result<std::string> FetchRoot(AdminClient& client) {
  HttpRequest request;
  request.url = "/repo/root.json";
  OTTER_ASSIGN(HttpResponse response, client.Call(std::move(request)));
  return std::move(response.body);
}

Result<RootUploaded> UploadRoot(AdminClient& client, const std::string& bytes) {
  HttpRequest request;
  request.method = "PUT";
  request.url = Api("/root");
  request.body = bytes;
  request.headers["Content-Type"] = "application/json";
  OTTER_ASSIGN(const HttpResponse response, client.Call(std::move(request)));
  const json answer = json::parse(response.body, nullptr, false);
  if (!answer.is_object()) return MakeError(CliErrc::kServer, "PUT root: the answer is not JSON");
  OTTER_ASSIGN(const std::uint64_t version, VersionOf(answer, "PUT root"));
  return RootUploaded{version, answer.value("targets_need_signing", false)};
}

Result<std::optional<std::string>> FetchSignedTargets(AdminClient& client) {
  HttpRequest request;
  request.url = Api("/targets.json");
  OTTER_ASSIGN(HttpResponse response, client.Send(request));
  if (response.status == 404) return std::optional<std::string>();
  if (response.status != 200) return ApiError(response, "GET " + request.url);
  return std::optional<std::string>(std::move(response.body));
}

Result<std::uint64_t> PushSignedTargets(AdminClient& client, const std::string& bytes,
                                        std::uint64_t expected_version) {
  HttpRequest request;
  request.method = "PUT";
  request.url = Api("/targets.json");
  request.body = bytes;
  request.headers["Content-Type"] = "application/json";
  request.headers["If-Match"] = "\"" + std::to_string(expected_version) + "\"";
  OTTER_ASSIGN(const HttpResponse response, client.Call(std::move(request)));
  const json answer = json::parse(response.body, nullptr, false);
  return VersionOf(answer.is_object() ? answer : json::object(), "PUT targets.json");
}

Result<json> ListTargets(AdminClient& client) { return client.GetJson(Api("/targets")); }

Result<std::uint64_t> AddOnlineTarget(AdminClient& client, const uptane::TargetFile& target) {
  json body = uptane::ToJson(target);
  body["name"] = target.name;
  OTTER_ASSIGN(const json answer, client.SendJson("POST", Api("/targets"), body));
  return VersionOf(answer, "POST targets");
}

Result<std::uint64_t> RemoveOnlineTarget(AdminClient& client, const std::string& name) {
  std::string path = Api("/targets/");
  for (std::size_t start = 0; start <= name.size();) {
    const std::size_t slash = std::min(name.find('/', start), name.size());
    path += UrlEncode(name.substr(start, slash - start));
    if (slash < name.size()) path += "/";
    start = slash + 1;
  }
  OTTER_ASSIGN(const json answer, client.SendJson("DELETE", path, json()));
  return VersionOf(answer, "DELETE target");
}

Result<json> UploadContent(AdminClient& client, const ContentUpload& upload) {
  return client.UploadFile(Api("/content") + ContentQuery(upload), upload.file);
}

}  // namespace otter::cli
