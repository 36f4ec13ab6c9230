// PUT /api/v1/image-repo/content: streams target content into the blob
// store and, with a target name on an online-targets server, adds the
// target.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "image_repo/errors.h"
#include "image_repo/routes_internal.h"
#include "image_repo/target_checks.h"
#include "storage/blob_store.h"

namespace otter::image_repo {
namespace {

using nlohmann::json;

struct UploadRequest {
  std::optional<std::string> sha256;
  std::optional<std::uint64_t> length;
  std::optional<uptane::TargetFile> target;  // to add once stored
};

struct Upload {
  storage::BlobWriter writer;
  UploadRequest request;
};

using Parsed = std::variant<UploadRequest, http::Response>;

http::Response BadRequest(const std::string& description) {
  return http::Response::Error(400, "bad_request", description);
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    if (comma != 0) items.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

bool WantsTarget(const http::Request& request) {
  for (const char* name : {"name", "version", "hardware_ids", "release_counter", "target_format"})
    if (request.Query(name)) return true;
  return false;
}

// name, version, hardware_ids, release_counter, target_format.
std::variant<uptane::TargetFile, http::Response> TargetFromQuery(const http::Request& request) {
  uptane::TargetFile target;
  auto name = request.Query("name");
  if (!name) return BadRequest("a target needs a name");
  target.name = std::string(*name);
  target.custom.raw = json::object();
  if (auto version = request.Query("version")) {
    target.name += "-" + std::string(*version);
    target.custom.raw = {{"name", std::string(*name)}, {"version", std::string(*version)}};
  }
  if (auto status = ValidateTargetName(target.name); !status) return ErrorResponse(status.error());
  target.custom.target_format = std::string(request.Query("target_format").value_or("BINARY"));
  if (target.custom.target_format != "BINARY" && target.custom.target_format != "COMPOSE")
    return BadRequest("target_format of an upload is BINARY or COMPOSE");
  target.custom.hardware_ids = SplitList(request.Query("hardware_ids").value_or(""));
  if (auto counter = request.Query("release_counter")) {
    target.custom.release_counter = ParseDecimal(*counter);
    if (!target.custom.release_counter) return BadRequest("release_counter must be an integer");
  }
  return target;
}

Parsed ParseUpload(const http::Request& request, const ImageRepository& repository) {
  UploadRequest upload;
  if (auto sha256 = request.Query("sha256")) {
    if (!storage::IsSha256Hex(*sha256)) return BadRequest("sha256 must be 64 lowercase hex digits");
    upload.sha256 = std::string(*sha256);
  }
  if (auto length = request.Query("length")) {
    upload.length = ParseDecimal(*length);
    if (!upload.length) return BadRequest("length must be an integer");
  }
  if (!WantsTarget(request)) return upload;
  if (!repository.online_targets())
    return ErrorResponse(MakeError(ImageRepoErrc::kTargetsSignedOffline,
                                   "this server has no online targets key: upload the content "
                                   "without a name and add the target with `otter targets add`"));
  auto target = TargetFromQuery(request);
  if (auto* response = std::get_if<http::Response>(&target)) return std::move(*response);
  upload.target = std::get<uptane::TargetFile>(std::move(target));
  return upload;
}

http::Response Finish(ImageRepository& repository, Upload& upload) {
  const auto& expected_length = upload.request.length;
  if (expected_length && upload.writer.size() != *expected_length) {
    upload.writer.Abort();
    return BadRequest("received " + std::to_string(upload.writer.size()) + " bytes, expected " +
                      std::to_string(*expected_length));
  }
  auto blob = upload.writer.Commit(upload.request.sha256);
  if (!blob && blob.error().Is(storage::StorageErrc::kHashMismatch))
    return http::Response::Error(400, "hash_mismatch", blob.error().message());
  if (!blob) return ErrorResponse(blob.error());
  json body = {{"sha256", blob->sha256}, {"length", blob->size}};
  if (auto& target = upload.request.target) {
    target->length = blob->size;
    target->hashes = {{"sha256", blob->sha256}};
    auto version = repository.AddTarget(*target);
    if (!version) return ErrorResponse(version.error());
    body["name"] = target->name;
    body["targets_version"] = *version;
  }
  return http::Response::Json(201, body);
}

Status WriteChunk(storage::BlobWriter& writer, std::string_view chunk) {
  auto written = writer.Write(chunk);
  // The HTTP server answers CommonErrc::kTooLarge with 413.
  if (!written && written.error().Is(storage::StorageErrc::kTooLarge))
    return MakeError(CommonErrc::kTooLarge, written.error().message());
  return written;
}

std::variant<http::BodyStream, http::Response> Open(ImageRepository& repository,
                                                    const http::Request& request) {
  Parsed parsed = ParseUpload(request, repository);
  if (auto* response = std::get_if<http::Response>(&parsed)) return std::move(*response);
  auto& upload_request = std::get<UploadRequest>(parsed);
  auto writer = repository.blobs().BeginWrite(upload_request.length);
  if (!writer) return ErrorResponse(writer.error());
  auto upload =
      std::make_shared<Upload>(Upload{std::move(writer).value(), std::move(upload_request)});
  http::BodyStream stream;
  stream.write = [upload](std::string_view chunk) { return WriteChunk(upload->writer, chunk); };
  stream.finish = [upload, &repository] { return Finish(repository, *upload); };
  return stream;
}

}  // namespace

void AddUploadRoute(http::Router& router, ImageRepository& repository,
                    const api::Gatekeeper& gatekeeper, const RouteLimits& limits) {
  router.AddStreamed("PUT", "/api/v1/image-repo/content",
                     api::ForOperatorStream(gatekeeper,
                                            [&repository](const http::Request& request) {
                                              return Open(repository, request);
                                            }),
                     limits.max_upload_bytes);
}

}  // namespace otter::image_repo
