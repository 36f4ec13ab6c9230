#include "image_repo/metadata_rows.h"

#include <soci/soci.h>

#include "image_repo/target_checks.h"

namespace otter::image_repo {
namespace {

std::string RoleString(uptane::RoleName role) { return std::string(uptane::RoleNameString(role)); }

long long Seconds(TimePoint time) { return time.time_since_epoch().count(); }

TimePoint FromSeconds(long long seconds) { return TimePoint(std::chrono::seconds(seconds)); }

std::optional<SignedFile> SelectRow(soci::session& sql, uptane::RoleName role,
                                    const std::string& query, std::optional<long long> version) {
  const std::string role_name = RoleString(role);
  const long long wanted = version.value_or(0);
  long long found_version = 0;
  long long expires_at = 0;
  SignedFile file;
  if (version) {
    sql << query, soci::use(role_name), soci::use(wanted), soci::into(found_version),
        soci::into(file.body), soci::into(expires_at);
  } else {
    sql << query, soci::use(role_name), soci::into(found_version), soci::into(file.body),
        soci::into(expires_at);
  }
  if (!sql.got_data()) return std::nullopt;
  file.role = role;
  file.version = static_cast<std::uint64_t>(found_version);
  file.expires = FromSeconds(expires_at);
  return file;
}

}  // namespace

void LockRepository(soci::session& sql) {
  sql << "INSERT INTO image_repo_lock (id, generation) VALUES (1, 1)"
         " ON CONFLICT (id) DO UPDATE SET generation = image_repo_lock.generation + 1";
}

std::optional<SignedFile> LatestRow(soci::session& sql, uptane::RoleName role) {
  return SelectRow(sql, role,
                   "SELECT version, body, expires_at FROM image_metadata WHERE role = :role"
                   " ORDER BY version DESC LIMIT 1",
                   std::nullopt);
}

std::optional<SignedFile> RowAt(soci::session& sql, uptane::RoleName role, std::uint64_t version) {
  return SelectRow(sql, role,
                   "SELECT version, body, expires_at FROM image_metadata"
                   " WHERE role = :role AND version = :version",
                   static_cast<long long>(version));
}

std::optional<RowHead> LatestHead(soci::session& sql, uptane::RoleName role) {
  const std::string role_name = RoleString(role);
  long long version = 0;
  long long expires_at = 0;
  sql << "SELECT version, expires_at FROM image_metadata WHERE role = :role"
         " ORDER BY version DESC LIMIT 1",
      soci::use(role_name), soci::into(version), soci::into(expires_at);
  if (!sql.got_data()) return std::nullopt;
  return RowHead{static_cast<std::uint64_t>(version), FromSeconds(expires_at)};
}

void InsertRow(soci::session& sql, const SignedFile& file, TimePoint now) {
  const std::string role_name = RoleString(file.role);
  const long long version = static_cast<long long>(file.version);
  const long long expires_at = Seconds(file.expires);
  const long long created_at = Seconds(now);
  sql << "INSERT INTO image_metadata (role, version, body, expires_at, created_at)"
         " VALUES (:role, :version, :body, :expires_at, :created_at)",
      soci::use(role_name), soci::use(version), soci::use(file.body), soci::use(expires_at),
      soci::use(created_at);
}

void RecordTargetFiles(soci::session& sql, const uptane::Targets& targets, TimePoint now) {
  const long long published_at = Seconds(now);
  for (const auto& [name, target] : targets.targets) {
    if (!ServedFromBlobStore(target)) continue;
    auto sha256 = target.hashes.find("sha256");
    const long long length = static_cast<long long>(target.length);
    sql << "INSERT INTO image_target_files (name, sha256, length, published_at)"
           " VALUES (:name, :sha256, :length, :published_at)"
           " ON CONFLICT (name, sha256) DO NOTHING",
        soci::use(name), soci::use(sha256->second), soci::use(length), soci::use(published_at);
  }
}

bool TargetFileKnown(soci::session& sql, const std::string& name, const std::string& sha256) {
  long long count = 0;
  sql << "SELECT count(*) FROM image_target_files WHERE name = :name AND sha256 = :sha256",
      soci::use(name), soci::use(sha256), soci::into(count);
  return count > 0;
}

}  // namespace otter::image_repo
