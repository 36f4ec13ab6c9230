#include "treehub/routes.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "api/answers.h"
#include "treehub/served_paths.h"

namespace otter::treehub {
namespace {

using nlohmann::json;

struct Answer {
  unsigned status;
  std::string_view code;
};

Answer AnswerFor(TreehubErrc code) {
  switch (code) {
    case TreehubErrc::kInvalidObjectName:
      return {400, "invalid_object_name"};
    case TreehubErrc::kUnknownObjectType:
      return {400, "unknown_object_type"};
    case TreehubErrc::kInvalidChecksum:
      return {400, "invalid_checksum"};
    case TreehubErrc::kHashMismatch:
      return {400, "hash_mismatch"};
    case TreehubErrc::kMalformedObject:
      return {400, "malformed_object"};
    case TreehubErrc::kTooLarge:
      return {413, "too_large"};
    case TreehubErrc::kInvalidRef:
      return {400, "invalid_ref"};
    case TreehubErrc::kNotFound:
      return {404, "not_found"};
    case TreehubErrc::kUnknownCommit:
      return {422, "unknown_commit"};
    case TreehubErrc::kIncompleteCommit:
      return {422, "incomplete_commit"};
    case TreehubErrc::kNotFastForward:
      return {409, "not_fast_forward"};
    case TreehubErrc::kRefConflict:
      return {409, "ref_conflict"};
    case TreehubErrc::kNoSpace:
      return {507, "no_space"};
    case TreehubErrc::kRepository:
      break;
  }
  return {500, "internal_error"};
}

http::Response BadRequest(std::string_view description) {
  return http::Response::Error(400, "bad_request", description);
}

// ---- GET /treehub/{path...} ----

http::Response ServeFile(const Treehub& treehub, const http::Request& request) {
  const std::string_view path = request.Param("path");
  const auto not_found = http::Response::Error(404, "not_found", "no such file in the repository");
  if (!internal::IsServedPath(path)) return not_found;
  const std::filesystem::path file = treehub.path() / path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(file, ec))) {
    return not_found;
  }
  http::Response response = http::Response::File(file, "application/octet-stream");
  // Objects never change; refs, config and summaries do.
  if (!path.starts_with("objects/")) response.WithHeader("cache-control", "no-cache");
  return response;
}

// ---- POST /api/v1/treehub/objects/missing ----

Result<std::vector<std::string>> QueriedNames(const http::Request& request) {
  OTTER_ASSIGN(const json body, api::ParseJsonBody(request.body));
  const auto objects = body.is_object() ? body.find("objects") : body.end();
  if (objects == body.end() || !objects->is_array()) {
    return MakeError(CommonErrc::kInvalidArgument, "expected {\"objects\": [\"<name>\", ...]}");
  }
  if (objects->size() > kMaxMissingQueryNames) {
    return MakeError(CommonErrc::kInvalidArgument,
                     "at most " + std::to_string(kMaxMissingQueryNames) + " names per query");
  }
  std::vector<std::string> names;
  for (const json& name : *objects) {
    if (!name.is_string()) return MakeError(CommonErrc::kInvalidArgument, "names are strings");
    names.push_back(name.get<std::string>());
  }
  return names;
}

http::Response Missing(const Treehub& treehub, const http::Request& request) {
  auto names = QueriedNames(request);
  if (!names.ok()) return ErrorResponse(names.error());
  auto missing = treehub.MissingObjects(*names);
  if (!missing.ok()) return ErrorResponse(missing.error());
  return http::Response::Json(200, {{"missing", *missing}});
}

// ---- PUT /api/v1/treehub/objects/{prefix}/{rest} ----

http::Response Uploaded(ObjectUpload& upload) {
  auto outcome = upload.Finish();
  if (!outcome.ok()) return ErrorResponse(outcome.error());
  const bool stored = *outcome == UploadOutcome::kStored;
  return http::Response::Json(stored ? 201 : 200,
                              {{"object", upload.name().ToString()}, {"stored", stored}});
}

std::variant<http::BodyStream, http::Response> OpenUpload(const Treehub& treehub,
                                                          const http::Request& request) {
  const std::string_view prefix = request.Param("prefix");
  if (prefix.size() != 2) {
    return ErrorResponse(MakeError(TreehubErrc::kInvalidObjectName,
                                   "objects are uploaded to objects/<2 hex>/<62 hex>.<type>"));
  }
  auto upload = treehub.BeginUpload(std::string(prefix) + std::string(request.Param("rest")));
  if (!upload.ok()) return ErrorResponse(upload.error());
  std::shared_ptr<ObjectUpload> shared = std::move(*upload);
  return http::BodyStream{
      .write = [shared](std::string_view chunk) { return shared->Write(chunk); },
      .finish = [shared] { return Uploaded(*shared); },
  };
}

// ---- /api/v1/treehub/refs[/{ref...}] ----

http::Response ListRefs(const Treehub& treehub) {
  auto refs = treehub.Refs();
  if (!refs.ok()) return ErrorResponse(refs.error());
  return http::Response::Json(200, {{"refs", *refs}});
}

http::Response GetRef(const Treehub& treehub, const http::Request& request) {
  const std::string ref(request.Param("ref"));
  if (ref.empty()) return ListRefs(treehub);
  auto commit = treehub.Ref(ref);
  if (!commit.ok()) return ErrorResponse(commit.error());
  return http::Response::Json(200, {{"ref", ref}, {"commit", *commit}});
}

struct RefRequest {
  std::string commit;
  bool force = false;
};

Result<RefRequest> ParseRefRequest(const http::Request& request) {
  OTTER_ASSIGN(const json body, api::ParseJsonBody(request.body));
  const auto invalid = MakeError(CommonErrc::kInvalidArgument,
                                 "expected {\"commit\": \"<checksum>\", \"force\": false}");
  if (!body.is_object() || !body.contains("commit") || !body["commit"].is_string()) return invalid;
  RefRequest parsed{.commit = body["commit"].get<std::string>()};
  if (body.contains("force")) {
    if (!body["force"].is_boolean()) return invalid;
    parsed.force = body["force"].get<bool>();
  }
  return parsed;
}

http::Response PutRef(const Treehub& treehub, const http::Request& request) {
  auto parsed = ParseRefRequest(request);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  auto change = treehub.SetRef(request.Param("ref"), parsed->commit, parsed->force);
  if (!change.ok()) return ErrorResponse(change.error());
  return http::Response::Json(200,
                              {{"ref", change->ref},
                               {"commit", change->commit},
                               {"previous", change->previous ? json(*change->previous) : json()},
                               {"forced", change->forced}});
}

// ---- GET /api/v1/treehub/commits/{checksum} ----

json CommitJson(const CommitInfo& info) {
  return {{"commit", info.checksum},
          {"complete", info.complete},
          {"missing_objects", info.missing_objects},
          {"incomplete_reason", info.incomplete_reason},
          {"subject", info.subject},
          {"body", info.body},
          {"timestamp", FormatTime(info.timestamp)},
          {"parent", info.parent ? json(*info.parent) : json()},
          {"version", info.version}};
}

http::Response GetCommit(const Treehub& treehub, const http::Request& request) {
  auto info = treehub.Commit(request.Param("checksum"));
  if (!info.ok()) return ErrorResponse(info.error());
  return http::Response::Json(200, CommitJson(*info));
}

// Catches what nlohmann may still throw (a body that is not UTF-8 on dump).
template <typename Handler>
api::OperatorHandler Guarded(Handler handler) {
  return [handler = std::move(handler)](const http::Request& request) {
    try {
      return handler(request);
    } catch (const json::exception& error) {
      return BadRequest(error.what());
    }
  };
}

}  // namespace

http::Response ErrorResponse(const Error& error) {
  if (error.code().category() != TreehubCategory()) return api::ErrorResponse(error);
  const Answer answer = AnswerFor(static_cast<TreehubErrc>(error.code().value()));
  if (answer.status >= 500 && answer.status != 507) return api::ErrorResponse(error, 500);
  return http::Response::Error(answer.status, answer.code, error.message());
}

void AddRoutes(http::Router& router, const Treehub& treehub, const api::Gatekeeper& gatekeeper) {
  const Treehub* hub = &treehub;
  router.Add("GET", "/treehub/{path...}",
             api::ForDeviceOrOperator(gatekeeper, [hub](const http::Request& request) {
               return ServeFile(*hub, request);
             }));
  router.Add("POST", "/api/v1/treehub/objects/missing",
             api::ForOperator(gatekeeper, Guarded([hub](const http::Request& request) {
                                return Missing(*hub, request);
                              })),
             {.max_body_bytes = kMaxMissingQueryBytes});
  router.AddStreamed(
      "PUT", "/api/v1/treehub/objects/{prefix}/{rest}",
      api::ForOperatorStream(
          gatekeeper, [hub](const http::Request& request) { return OpenUpload(*hub, request); }),
      treehub.options().max_object_bytes);
  router.Add("GET", "/api/v1/treehub/refs/{ref...}",
             api::ForOperator(gatekeeper, Guarded([hub](const http::Request& request) {
                                return GetRef(*hub, request);
                              })));
  router.Add("PUT", "/api/v1/treehub/refs/{ref...}",
             api::ForOperator(gatekeeper, Guarded([hub](const http::Request& request) {
                                return PutRef(*hub, request);
                              })));
  router.Add("GET", "/api/v1/treehub/commits/{checksum}",
             api::ForOperator(gatekeeper, Guarded([hub](const http::Request& request) {
                                return GetCommit(*hub, request);
                              })));
}

}  // namespace otter::treehub
