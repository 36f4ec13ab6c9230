// GET /repo/...: what devices (and any TUF client) download.
#include <optional>
#include <string>

#include "image_repo/routes_internal.h"

namespace otter::image_repo {
namespace {

using uptane::RoleName;

struct MetadataFile {
  RoleName role;
  std::optional<std::uint64_t> version;
};

std::optional<RoleName> RoleOf(std::string_view name) {
  for (RoleName role :
       {RoleName::kRoot, RoleName::kTimestamp, RoleName::kSnapshot, RoleName::kTargets}) {
    if (uptane::RoleNameString(role) == name) return role;
  }
  return std::nullopt;
}

// "root.json", "7.root.json", ...; timestamps are served unversioned only.
std::optional<MetadataFile> ParseFileName(std::string_view file) {
  constexpr std::string_view kSuffix = ".json";
  if (!file.ends_with(kSuffix)) return std::nullopt;
  file.remove_suffix(kSuffix.size());
  const std::size_t dot = file.find('.');
  if (dot == std::string_view::npos) {
    auto role = RoleOf(file);
    if (!role) return std::nullopt;
    return MetadataFile{*role, std::nullopt};
  }
  auto role = RoleOf(file.substr(dot + 1));
  auto version = ParseDecimal(file.substr(0, dot));
  if (!role || !version || *role == RoleName::kTimestamp) return std::nullopt;
  return MetadataFile{*role, *version};
}

http::Response ServeMetadata(ImageRepository& repository, const http::Request& request) {
  auto file = ParseFileName(request.Param("file"));
  if (!file) return http::Response::Error(404, "not_found", "no such metadata file");
  auto signed_file = repository.Read(file->role, file->version);
  if (!signed_file) return ErrorResponse(signed_file.error());
  http::Response response;
  response.headers["content-type"] = "application/json";
  // Unversioned names change with every publication.
  if (!file->version) response.headers["cache-control"] = "no-cache";
  response.body = std::move(signed_file->body);
  return response;
}

http::Response ServeContent(ImageRepository& repository, const http::Request& request) {
  auto blob = repository.TargetContent(request.Param("path"));
  if (!blob) return ErrorResponse(blob.error());
  return http::Response::File(blob->path, "application/octet-stream");
}

}  // namespace

void AddDeviceRoutes(http::Router& router, ImageRepository& repository,
                     const api::Gatekeeper& gatekeeper) {
  router.Add("GET", "/repo/{file}",
             api::ForDeviceOrOperator(gatekeeper, [&repository](const http::Request& request) {
               return ServeMetadata(repository, request);
             }));
  router.Add("GET", "/repo/targets/{path...}",
             api::ForDeviceOrOperator(gatekeeper, [&repository](const http::Request& request) {
               return ServeContent(repository, request);
             }));
}

}  // namespace otter::image_repo
