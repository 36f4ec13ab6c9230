#include "cli/targets_draft.h"

#include <algorithm>
#include <cerrno>
#include <fstream>

#include "cli/errors.h"
#include "common/file.h"
#include "common/hash.h"
#include "uptane/tuf_json.h"

namespace otter::cli {
namespace {

using nlohmann::json;
constexpr int kDraftFormat = 1;
constexpr std::uint64_t kMaxDraftBytes = 64 * 1024 * 1024;

Error Invalid(const std::string& why) { return MakeError(CliErrc::kInvalidInput, why); }
Error Usage(const std::string& why) { return MakeError(CliErrc::kUsage, why); }

json SignaturesJson(const std::vector<uptane::Signature>& signatures) {
  json list = json::array();
  for (const auto& signature : signatures)
    list.push_back({{"keyid", signature.keyid}, {"sig", signature.sig}});
  return list;
}

json EnvelopeJson(const TargetsDraft& draft) {
  return {{"signed", draft.signed_part}, {"signatures", SignaturesJson(draft.signatures)}};
}

Result<TargetsDraft> DraftFromJson(const json& document) {
  if (!document.is_object() || document.value("otter_targets_draft", 0) != kDraftFormat ||
      !document.contains("metadata") || !document["base_version"].is_number_unsigned())
    return Invalid("not an otter targets file (create one with `otter targets pull`)");
  OTTER_ASSIGN(uptane::SignedMetadata metadata,
               uptane::SignedMetadata::Parse(document["metadata"].dump()));
  TargetsDraft draft;
  draft.base_version = document["base_version"].get<std::uint64_t>();
  draft.signed_part = std::move(metadata.signed_part);
  draft.signatures = std::move(metadata.signatures);
  OTTER_TRY(ParseDraft(draft));
  return draft;
}

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool HasUnsafeSegment(std::string_view name) {
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t slash = std::min(name.find('/', start), name.size());
    const std::string_view segment = name.substr(start, slash - start);
    if (segment.empty() || segment == "." || segment == "..") return true;
    start = slash + 1;
  }
  return false;
}

Status CheckName(std::string_view name) {
  const bool control = std::any_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\';
  });
  if (name.empty() || name.size() > 1024 || control || HasUnsafeSegment(name))
    return Usage("target name \"" + std::string(name) +
                 "\" is not a safe path (no empty, . or .. segment, no backslash)");
  return Ok();
}

Status CheckSpec(const TargetSpec& spec) {
  OTTER_TRY(CheckName(spec.name));
  if (spec.sha256.size() != 64 || !IsLowerHex(spec.sha256))
    return Usage("--sha256 must be 64 lowercase hex digits");
  if (!spec.format.empty() && spec.format != "OSTREE" && spec.format != "BINARY" &&
      spec.format != "COMPOSE")
    return Usage("--format must be OSTREE, BINARY or COMPOSE");
  if (spec.format == "OSTREE" && spec.length != 0)
    return Usage("an OSTREE target has length 0 (its sha256 is the commit)");
  if (!spec.uri.empty() && !spec.uri.starts_with("http://") && !spec.uri.starts_with("https://"))
    return Usage("--uri must be an http:// or https:// URL");
  return Ok();
}

void DropSignatures(TargetsDraft& draft) { draft.signatures.clear(); }

}  // namespace

Result<TargetsDraft> DraftFromServer(const std::optional<std::string>& current_bytes) {
  TargetsDraft draft;
  if (!current_bytes) {
    draft.signed_part = uptane::ToJson(uptane::Targets{});
    draft.signed_part["version"] = 0;
    return draft;
  }
  auto metadata = uptane::SignedMetadata::Parse(*current_bytes);
  if (!metadata) return MakeError(CliErrc::kServer, "targets: " + metadata.error().message());
  auto targets = uptane::ParseTargets(metadata->signed_part);
  if (!targets) return MakeError(CliErrc::kServer, "targets: " + targets.error().message());
  draft.base_version = targets->version;
  draft.signed_part = std::move(metadata->signed_part);
  draft.signatures = std::move(metadata->signatures);
  return draft;
}

Result<TargetsDraft> LoadDraft(const std::filesystem::path& path) {
  OTTER_ASSIGN_CONTEXT(const std::string text, ReadFile(path, kMaxDraftBytes),
                       "reading " + path.string());
  const json document = json::parse(text, nullptr, false);
  auto draft = DraftFromJson(document);
  if (!draft) return std::move(draft).error().WithContext(path.string());
  return draft;
}

Status SaveDraft(const TargetsDraft& draft, const std::filesystem::path& path) {
  const json document = {{"otter_targets_draft", kDraftFormat},
                         {"base_version", draft.base_version},
                         {"metadata", EnvelopeJson(draft)}};
  OTTER_TRY_CONTEXT(WriteFileAtomic(path, document.dump(2) + "\n"), "writing " + path.string());
  return Ok();
}

Result<uptane::Targets> ParseDraft(const TargetsDraft& draft) {
  json parsed_part = draft.signed_part;
  // A fresh draft has version 0, which the schema may refuse; parse as v1.
  if (parsed_part.value("version", 0) == 0) parsed_part["version"] = 1;
  auto targets = uptane::ParseTargets(parsed_part);
  if (!targets) return Invalid("targets: " + targets.error().message());
  return targets;
}

Status AddTarget(TargetsDraft& draft, const uptane::TargetFile& target) {
  OTTER_TRY(CheckName(target.name));
  draft.signed_part["targets"][target.name] = uptane::ToJson(target);
  DropSignatures(draft);
  return Ok();
}

Status RemoveTarget(TargetsDraft& draft, const std::string& name) {
  json& targets = draft.signed_part["targets"];
  if (!targets.is_object() || targets.erase(name) == 0)
    return Invalid("the targets file has no target \"" + name + "\"");
  DropSignatures(draft);
  return Ok();
}

Status SignDraft(TargetsDraft& draft, const std::vector<const PrivateKey*>& keys,
                 TimePoint expires) {
  if (keys.empty()) return Usage("signing needs at least one --key");
  draft.signed_part["version"] = draft.base_version + 1;
  draft.signed_part["expires"] = FormatTime(expires);
  OTTER_TRY(ParseDraft(draft));
  OTTER_ASSIGN(uptane::SignedMetadata metadata, uptane::SignMetadata(draft.signed_part, keys));
  draft.signatures = std::move(metadata.signatures);
  return Ok();
}

Result<std::string> PushBody(const TargetsDraft& draft) {
  if (!draft.is_signed()) return Usage("the targets file is not signed: run `otter targets sign`");
  if (draft.signed_part.value("version", std::uint64_t{0}) != draft.base_version + 1)
    return Usage("the targets file is not signed for v" + std::to_string(draft.base_version + 1) +
                 ": run `otter targets sign` again");
  return EnvelopeJson(draft).dump();
}

Result<uptane::TargetFile> MakeTarget(const TargetSpec& spec) {
  OTTER_TRY(CheckSpec(spec));
  uptane::TargetFile target;
  target.name = spec.name;
  target.length = spec.length;
  target.hashes["sha256"] = spec.sha256;
  target.custom.raw = json::object();
  if (!spec.package_name.empty()) target.custom.raw["name"] = spec.package_name;
  if (!spec.version.empty()) target.custom.raw["version"] = spec.version;
  target.custom.target_format = spec.format;
  target.custom.hardware_ids = spec.hardware_ids;
  target.custom.release_counter = spec.release_counter;
  target.custom.uri = spec.uri;
  return target;
}

Result<FileDigest> DigestFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Invalid("cannot open " + path.string());
  Hasher hasher(HashAlgorithm::kSha256);
  FileDigest digest;
  std::string buffer(1 << 16, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    hasher.Update(std::string_view(buffer.data(), got));
    digest.length += got;
  }
  if (in.bad()) return ErrnoError("reading " + path.string(), errno);
  digest.sha256 = hasher.FinishHex();
  return digest;
}

}  // namespace otter::cli
