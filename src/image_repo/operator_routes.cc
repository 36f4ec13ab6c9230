// /api/v1/image-repo/...: what operators and the `otter` CLI call.
#include <nlohmann/json.hpp>
#include <string>

#include "api/answers.h"
#include "image_repo/routes_internal.h"
#include "uptane/tuf_json.h"

namespace otter::image_repo {
namespace {

using nlohmann::json;

constexpr std::string_view kPrefix = "/api/v1/image-repo";

std::string Path(std::string_view rest) { return std::string(kPrefix) + std::string(rest); }

// If-Match: "N" (or N): the targets version the push was made from.
std::optional<std::uint64_t> ExpectedVersion(const http::Request& request) {
  auto header = request.Header("if-match");
  if (!header) return std::nullopt;
  std::string_view value = *header;
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
    value = value.substr(1, value.size() - 2);
  return ParseDecimal(value);
}

http::Response PutRoot(ImageRepository& repository, const http::Request& request) {
  auto accepted = repository.PutRoot(request.body);
  if (!accepted) return ErrorResponse(accepted.error());
  return http::Response::Json(200, {{"version", accepted->version},
                                    {"targets_need_signing", accepted->targets_need_signing}});
}

http::Response GetTargetsJson(ImageRepository& repository) {
  auto targets = repository.CurrentTargets();
  if (!targets) return ErrorResponse(targets.error());
  http::Response response;
  response.headers["content-type"] = "application/json";
  response.headers["etag"] = "\"" + std::to_string(targets->version) + "\"";
  response.body = std::move(targets->body);
  return response;
}

http::Response PutTargetsJson(ImageRepository& repository, const http::Request& request) {
  if (!request.Header("if-match"))
    return http::Response::Error(428, "precondition_required",
                                 "send If-Match: \"<targets version pulled>\" (\"0\" before the "
                                 "first push)");
  auto expected = ExpectedVersion(request);
  if (!expected)
    return http::Response::Error(400, "bad_request", "If-Match must be a targets version: \"N\"");
  auto version = repository.PutTargets(request.body, *expected);
  if (!version) return ErrorResponse(version.error());
  return http::Response::Json(200, {{"version", *version}})
      .WithHeader("etag", "\"" + std::to_string(*version) + "\"");
}

http::Response ListTargets(ImageRepository& repository) {
  auto targets = repository.ListTargets();
  if (!targets) return ErrorResponse(targets.error());
  json list = json::object();
  for (const auto& [name, target] : targets->targets) list[name] = uptane::ToJson(target);
  json body = {{"version", targets->version},
               {"online_targets", repository.online_targets()},
               {"targets", list}};
  if (targets->version > 0) body["expires"] = FormatTime(targets->expires);
  return http::Response::Json(200, body);
}

Result<uptane::TargetFile> TargetFromBody(const json& body) {
  if (!body.is_object() || !body.contains("name") || !body["name"].is_string())
    return MakeError(ImageRepoErrc::kInvalidTarget, "the body needs a string \"name\"");
  json entry = body;
  entry.erase("name");
  auto target = uptane::ParseTargetFile(body["name"].get<std::string>(), entry);
  if (!target) return MakeError(ImageRepoErrc::kInvalidTarget, target.error().message());
  return target;
}

http::Response AddTarget(ImageRepository& repository, const http::Request& request) {
  auto body = api::ParseJsonBody(request.body);
  if (!body) return ErrorResponse(body.error());
  auto target = TargetFromBody(*body);
  if (!target) return ErrorResponse(target.error());
  auto version = repository.AddTarget(*target);
  if (!version) return ErrorResponse(version.error());
  return http::Response::Json(201, {{"name", target->name}, {"version", *version}});
}

http::Response RemoveTarget(ImageRepository& repository, const http::Request& request) {
  auto version = repository.RemoveTarget(request.Param("name"));
  if (!version) return ErrorResponse(version.error());
  return http::Response::Json(200, {{"version", *version}});
}

using RepositoryHandler = std::function<http::Response(ImageRepository&, const http::Request&)>;

http::Handler Operator(const api::Gatekeeper& gatekeeper, ImageRepository& repository,
                       RepositoryHandler handler) {
  return api::ForOperator(
      gatekeeper,
      Guarded([&repository, handler = std::move(handler)](const http::Request& request) {
        return handler(repository, request);
      }));
}

}  // namespace

void AddOperatorRoutes(http::Router& router, ImageRepository& repository,
                       const api::Gatekeeper& gatekeeper, const RouteLimits& limits) {
  router.Add("GET", Path("/online-keys"),
             Operator(gatekeeper, repository, [](ImageRepository& repo, const http::Request&) {
               return http::Response::Json(200, repo.OnlinePublicKeys());
             }));
  router.Add("PUT", Path("/root"), Operator(gatekeeper, repository, PutRoot),
             {.max_body_bytes = limits.max_root_bytes});
  router.Add("GET", Path("/targets.json"),
             Operator(gatekeeper, repository, [](ImageRepository& repo, const http::Request&) {
               return GetTargetsJson(repo);
             }));
  router.Add("PUT", Path("/targets.json"), Operator(gatekeeper, repository, PutTargetsJson),
             {.max_body_bytes = limits.max_targets_bytes});
  router.Add("GET", Path("/targets"),
             Operator(gatekeeper, repository, [](ImageRepository& repo, const http::Request&) {
               return ListTargets(repo);
             }));
  router.Add("POST", Path("/targets"), Operator(gatekeeper, repository, AddTarget));
  router.Add("DELETE", Path("/targets/{name...}"), Operator(gatekeeper, repository, RemoveTarget));
}

}  // namespace otter::image_repo
