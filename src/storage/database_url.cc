#include "storage/database_url.h"

#include "storage/errors.h"

namespace otter::storage {
namespace {

constexpr std::string_view kSqliteAbsolute = "sqlite://";
constexpr std::string_view kSqliteRelative = "sqlite:";
constexpr std::string_view kApplicationName = "application_name=otter-server";

Error BadUrl(std::string_view url, std::string_view why) {
  return MakeError(StorageErrc::kInvalidConfig,
                   "database URL \"" + RedactPassword(url) + "\": " + std::string(why));
}

Result<DatabaseUrl> ParseSqlite(std::string_view url) {
  std::string_view path = url.substr(kSqliteRelative.size());
  if (url.starts_with(kSqliteAbsolute)) {
    path = url.substr(kSqliteAbsolute.size());
    if (!path.starts_with('/')) {
      return BadUrl(url, "expected sqlite:///absolute/path or sqlite:relative/path");
    }
  }
  if (path.empty()) return BadUrl(url, "no database file");
  if (path == ":memory:" || path.find("mode=memory") != std::string_view::npos) {
    return BadUrl(url, "in-memory databases are not supported");
  }
  if (path.find('"') != std::string_view::npos) return BadUrl(url, "'\"' in the path");
  return DatabaseUrl{Backend::kSqlite, std::string(path), std::string(url)};
}

// Replaces the password of "scheme://user:password@host/...".
std::string RedactUserInfo(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const auto authority = scheme_end + 3;
  const auto at = url.find('@', authority);
  const auto slash = url.find('/', authority);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) {
    return std::string(url);
  }
  const auto colon = url.find(':', authority);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

// SOCI 4.0's PostgreSQL backend splits its connection string at spaces and
// at the first '=' of each piece, and writes the pieces back as key=value: a
// URL without '=' comes out as "url=", which libpq reads as part of the
// database name. A URL with a query parameter comes out unchanged, so one is
// added when there is none. Spaces would be split: they must be %20.
Result<DatabaseUrl> ParsePostgresql(std::string_view url) {
  if (url.find_first_of(" \t\n") != std::string_view::npos) {
    return BadUrl(url, "write spaces as %20");
  }
  std::string target(url);
  if (target.find('=') == std::string::npos) {
    if (!target.ends_with('?')) target += target.find('?') == std::string::npos ? "?" : "&";
    target += kApplicationName;
  }
  return DatabaseUrl{Backend::kPostgresql, target, RedactPassword(target)};
}

}  // namespace

std::string RedactPassword(std::string_view url) {
  std::string redacted = RedactUserInfo(url);
  constexpr std::string_view kKey = "password=";
  const auto key = redacted.find(kKey);
  if (key == std::string::npos) return redacted;
  const auto value = key + kKey.size();
  const auto end = redacted.find('&', value);
  return redacted.replace(value, end == std::string::npos ? end : end - value, "***");
}

Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url) {
  if (url.starts_with(kSqliteRelative)) return ParseSqlite(url);
  if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
    return ParsePostgresql(url);
  return BadUrl(url, "expected a sqlite:// or postgresql:// URL");
}

}  // namespace otter::storage
