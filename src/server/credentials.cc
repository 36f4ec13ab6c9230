#include "server/credentials.h"

#include <soci/soci.h>

#include <algorithm>

#include "api/tokens.h"
#include "common/errors.h"
#include "common/file.h"
#include "storage/database.h"

namespace otter::server {
namespace {

namespace fs = std::filesystem;
constexpr auto kServerCertificateLifetime = std::chrono::hours(24 * 397);
constexpr auto kRenewBefore = std::chrono::hours(24 * 30);
constexpr auto kOwnerOnly = fs::perms::owner_read | fs::perms::owner_write;

bool NamesEveryHost(const x509::Certificate& certificate, const std::vector<std::string>& hosts) {
  const std::vector<std::string> names = certificate.SubjectAltNames();
  return std::all_of(hosts.begin(), hosts.end(), [&](const std::string& host) {
    return std::find(names.begin(), names.end(), host) != names.end();
  });
}

bool ServerCertificateIsCurrent(const x509::CertificateAuthority& ca, const CredentialPaths& paths,
                                const std::vector<std::string>& hostnames, TimePoint now) {
  if (!fs::exists(paths.tls_key)) return false;
  auto pem = ReadFile(paths.tls_certificate, 1024 * 1024);
  if (!pem.ok()) return false;
  auto certificate = x509::Certificate::FromPem(*pem);
  return certificate.ok() && certificate->VerifySignedBy(ca.certificate()).ok() &&
         certificate->NotAfter() > now + kRenewBefore && NamesEveryHost(*certificate, hostnames);
}

Result<std::optional<std::string>> StoredKey(soci::session& sql, const std::string& name) {
  std::string pem;
  sql << "SELECT private_pem FROM server_keys WHERE name = :name", soci::use(name), soci::into(pem);
  if (!sql.got_data()) return std::optional<std::string>();
  return std::optional<std::string>(pem);
}

}  // namespace

CredentialPaths CredentialPaths::Under(const fs::path& data_dir) {
  return {.ca_certificate = data_dir / "ca" / "ca.pem",
          .ca_key = data_dir / "ca" / "ca.key",
          .tls_certificate = data_dir / "tls" / "server.pem",
          .tls_key = data_dir / "tls" / "server.key",
          .image_root_key = data_dir / "keys" / "image-root.key",
          .director_root_key = data_dir / "keys" / "director-root.key",
          .admin_token = data_dir / "admin-token"};
}

std::vector<std::string> Schema() {
  return {
      "CREATE TABLE IF NOT EXISTS server_keys ("
      " name TEXT PRIMARY KEY,"
      " private_pem TEXT NOT NULL,"
      " created_at BIGINT NOT NULL)",
  };
}

Result<x509::CertificateAuthority> LoadOrCreateCa(const CredentialPaths& paths, TimePoint now) {
  if (fs::exists(paths.ca_certificate)) {
    return x509::CertificateAuthority::Load(paths.ca_certificate, paths.ca_key);
  }
  OTTER_ASSIGN(auto ca, x509::CertificateAuthority::Create("Otter server CA", now));
  OTTER_TRY(ca.Save(paths.ca_certificate, paths.ca_key));
  return ca;
}

Status EnsureServerCertificate(const x509::CertificateAuthority& ca, const CredentialPaths& paths,
                               const std::vector<std::string>& hostnames, TimePoint now) {
  if (ServerCertificateIsCurrent(ca, paths, hostnames, now)) return Ok();
  OTTER_ASSIGN(const PrivateKey key, x509::GenerateTlsKey());
  OTTER_ASSIGN(
      const x509::Certificate certificate,
      ca.IssueServerCertificate(hostnames.front(), hostnames, key.public_key(),
                                x509::Validity::Starting(now, kServerCertificateLifetime)));
  OTTER_TRY(WriteFileAtomic(paths.tls_key, key.ToPem(), kOwnerOnly));
  return WriteFileAtomic(paths.tls_certificate, certificate.ToPem() + ca.certificate().ToPem());
}

Result<PrivateKey> LoadOrCreateOnlineKey(storage::Database& database, std::string_view name,
                                         TimePoint now) {
  OTTER_ASSIGN(const PrivateKey fresh, PrivateKey::Generate(KeyType::kEd25519));
  OTTER_ASSIGN(const std::string pem,
               database.WithTransaction([&](soci::session& sql) -> Result<std::string> {
                 const std::string key_name(name);
                 OTTER_ASSIGN(auto stored, StoredKey(sql, key_name));
                 if (stored) return *stored;
                 const std::string fresh_pem = fresh.ToPem();
                 const long long created_at = now.time_since_epoch().count();
                 sql << "INSERT INTO server_keys (name, private_pem, created_at)"
                        " VALUES (:name, :pem, :created_at)",
                     soci::use(key_name), soci::use(fresh_pem), soci::use(created_at);
                 return fresh_pem;
               }));
  return PrivateKey::FromPem(pem);
}

Result<PrivateKey> LoadOrCreateKeyFile(const fs::path& path) {
  if (fs::exists(path)) return LoadPrivateKey(path.string());
  OTTER_ASSIGN(const PrivateKey key, PrivateKey::Generate(KeyType::kEd25519));
  OTTER_TRY(WriteFileAtomic(path, key.ToPem(), kOwnerOnly));
  return key;
}

Result<std::optional<fs::path>> EnsureFirstToken(storage::Database& database, const fs::path& path,
                                                 TimePoint now) {
  api::TokenStore tokens(database);
  OTTER_ASSIGN(const auto existing, tokens.List());
  if (!existing.empty()) return std::optional<fs::path>();
  OTTER_ASSIGN(const api::NewToken token, tokens.Create("admin", now));
  OTTER_TRY(WriteFileAtomic(path, token.secret + "\n", kOwnerOnly));
  return std::optional<fs::path>(path);
}

}  // namespace otter::server
