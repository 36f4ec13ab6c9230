// The Director's root, ECU registration and metadata serving.
#include "director/director.h"

#include <soci/soci.h>

#include <charconv>

#include "director/assignment_records.h"
#include "director/device_records.h"
#include "director/ecu_records.h"
#include "director/metadata_records.h"
#include "director/sql_util.h"
#include "storage/database.h"

namespace otter::director {
namespace {

using namespace internal;  // NOLINT: the module's own records

// "timestamp.json" -> {"timestamp", nullopt}; "7.targets.json" -> {"targets", 7}.
struct MetadataName {
  std::string role;
  std::optional<std::uint64_t> version;
};

Result<std::uint64_t> ParseVersion(std::string_view text) {
  std::uint64_t version = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || version == 0 ||
      version > static_cast<std::uint64_t>(INT64_MAX))
    return MakeError(DirectorErrc::kMetadataNotFound, "no such version");
  return version;
}

Result<MetadataName> ParseMetadataName(std::string_view filename) {
  const Error not_found = MakeError(DirectorErrc::kMetadataNotFound,
                                    "no Director metadata named " + std::string(filename));
  constexpr std::string_view kSuffix = ".json";
  if (!filename.ends_with(kSuffix)) return not_found;
  std::string_view stem = filename.substr(0, filename.size() - kSuffix.size());
  MetadataName name;
  const auto dot = stem.find('.');
  if (dot != std::string_view::npos) {
    auto version = ParseVersion(stem.substr(0, dot));
    if (!version) return not_found;
    name.version = *version;
    stem = stem.substr(dot + 1);
  }
  name.role = std::string(stem);
  const bool known = name.role == "root" || name.role == "targets" || name.role == "snapshot" ||
                     (name.role == "timestamp" && !name.version);
  if (!known) return not_found;
  return name;
}

Result<std::string> Found(std::optional<std::string> body, std::string_view filename) {
  if (!body) {
    return MakeError(DirectorErrc::kMetadataNotFound,
                     "no Director metadata " + std::string(filename));
  }
  return std::move(*body);
}

// A device fetched targets naming an update: the update is under way.
Status NoteTargetsServed(soci::session& sql, const std::string& device_id,
                         const std::string& body) {
  const nlohmann::json document = ParseJsonText(body);
  if (!document.is_object() || !document.contains("signed")) return Ok();
  const nlohmann::json custom = document["signed"].value("custom", nlohmann::json());
  if (!custom.is_object() || !custom.contains("correlationId") ||
      !custom["correlationId"].is_string())
    return Ok();
  return MarkInFlight(sql, device_id, custom["correlationId"].get<std::string>());
}

}  // namespace

Director::Director(storage::Database& database, DirectorKeys keys,
                   FindImageTarget find_image_target, const Clock& clock, DirectorOptions options)
    : database_(database),
      keys_(std::move(keys)),
      find_image_target_(std::move(find_image_target)),
      clock_(clock),
      options_(options) {}

Status Director::InitializeRoot(const PrivateKey& root_key) {
  const TimePoint now = clock_.Now();
  const auto initialize = [&](soci::session& sql) -> Status {
    OTTER_ASSIGN(const auto latest, LatestRoot(sql));
    if (latest) {
      OTTER_ASSIGN(const uptane::Root root, ParseRootBytes(latest->body));
      return CheckOnlineKeys(root, keys_);
    }
    OTTER_ASSIGN(std::string body, SignFirstRoot(root_key, keys_, now + options_.root_lifetime));
    return InsertRoot(sql, {1, std::move(body)}, now);
  };
  Status initialized = database_.WithTransaction(initialize);
  // Another server created root v1 at the same moment: check that one.
  if (!initialized && initialized.error().Is(storage::StorageErrc::kConflict))
    initialized = database_.WithTransaction(initialize);
  return initialized;
}

Status Director::PutRoot(std::string bytes) {
  const TimePoint now = clock_.Now();
  return database_.WithTransaction([&](soci::session& sql) -> Status {
    OTTER_ASSIGN(const auto latest, LatestRoot(sql));
    if (!latest) return MakeError(DirectorErrc::kNoRoot, "the Director has no root to rotate");
    OTTER_TRY(CheckRotation(latest->body, bytes, keys_, now));
    return InsertRoot(sql, {latest->version + 1, bytes}, now);
  });
}

Result<std::uint64_t> Director::RootVersion() {
  return database_.WithSession([&](soci::session& sql) -> Result<std::uint64_t> {
    OTTER_ASSIGN(const auto latest, LatestRoot(sql));
    if (!latest) return MakeError(DirectorErrc::kNoRoot, "the Director has no root yet");
    return latest->version;
  });
}

Result<std::string> Director::Root(std::optional<std::uint64_t> version) {
  const std::string filename = uptane::MetadataFileName("root", version);
  return database_.WithSession([&](soci::session& sql) -> Result<std::string> {
    if (version) {
      OTTER_ASSIGN(auto body, RootBody(sql, *version));
      return Found(std::move(body), filename);
    }
    OTTER_ASSIGN(const auto latest, LatestRoot(sql));
    return Found(latest ? std::optional(latest->body) : std::nullopt, filename);
  });
}

Result<bool> Director::RegisterEcus(std::string_view device_id,
                                    const nlohmann::json& registration) {
  OTTER_ASSIGN(const auto ecus, ParseRegistration(registration));
  const std::string device(device_id);
  const TimePoint now = clock_.Now();
  return database_.WithTransaction([&](soci::session& sql) -> Result<bool> {
    OTTER_ASSIGN(const bool changed, ApplyRegistration(sql, device, ecus, now));
    OTTER_TRY(SetLastSeen(sql, device, now));
    return changed;
  });
}

Result<std::string> Director::Metadata(std::string_view device_id, std::string_view filename) {
  OTTER_ASSIGN(const MetadataName name, ParseMetadataName(filename));
  // Root files are the same for every device: they need no device record.
  if (name.role == "root") return Root(name.version);
  const std::string device(device_id);
  OTTER_TRY(Seen(device));
  if (!name.version) OTTER_TRY(Refresh(device));
  return database_.WithSession([&](soci::session& sql) -> Result<std::string> {
    std::optional<std::string> body;
    if (name.version) {
      OTTER_ASSIGN(body, RoleBody(sql, device, name.role, *name.version));
    } else {
      OTTER_ASSIGN(const auto latest, LatestRole(sql, device, name.role));
      if (latest) body = latest->body;
    }
    OTTER_ASSIGN(std::string found, Found(std::move(body), filename));
    if (name.role == "targets") OTTER_TRY(NoteTargetsServed(sql, device, found));
    return found;
  });
}

Status Director::Refresh(const std::string& device_id) {
  const DevicePublisher publisher(keys_, options_, clock_.Now());
  OTTER_ASSIGN(const bool due, database_.WithSession([&](soci::session& sql) {
    return publisher.Due(sql, device_id);
  }));
  if (!due) return Ok();
  const auto publish = [&](soci::session& sql) { return publisher.Publish(sql, device_id); };
  Status published = database_.WithTransaction(publish);
  // Another server published the same versions first: plan again.
  if (!published && published.error().Is(storage::StorageErrc::kConflict))
    published = database_.WithTransaction(publish);
  return published;
}

Status Director::Seen(const std::string& device_id) {
  const TimePoint now = clock_.Now();
  return database_.WithSession([&](soci::session& sql) -> Status {
    OTTER_ASSIGN(const auto last_seen, LastSeen(sql, device_id));
    if (last_seen && now - *last_seen < options_.seen_resolution) return Ok();
    return SetLastSeen(sql, device_id, now);
  });
}

}  // namespace otter::director
