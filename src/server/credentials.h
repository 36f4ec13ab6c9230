// What otter-server creates on first start and reuses afterwards: the CA
// that signs the server and client certificates, the server's TLS
// certificate, the online signing keys, the quick-start root keys, and the
// first operator token.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "common/time.h"
#include "x509/x509.h"

namespace otter::storage {
class Database;
}

namespace otter::server {

// Where the files live under the data folder.
struct CredentialPaths {
  std::filesystem::path ca_certificate;     // ca/ca.pem
  std::filesystem::path ca_key;             // ca/ca.key
  std::filesystem::path tls_certificate;    // tls/server.pem (certificate, then the CA)
  std::filesystem::path tls_key;            // tls/server.key
  std::filesystem::path image_root_key;     // keys/image-root.key (quick start only)
  std::filesystem::path director_root_key;  // keys/director-root.key
  std::filesystem::path admin_token;        // admin-token (first token, mode 0600)

  static CredentialPaths Under(const std::filesystem::path& data_dir);
};

// server_keys: the online keys, shared by every instance through the database.
std::vector<std::string> Schema();

Result<x509::CertificateAuthority> LoadOrCreateCa(const CredentialPaths& paths, TimePoint now);

// Issues a new server certificate when there is none, when it does not name
// every host in `hostnames`, or when it has less than 30 days left.
Status EnsureServerCertificate(const x509::CertificateAuthority& ca, const CredentialPaths& paths,
                               const std::vector<std::string>& hostnames, TimePoint now);

// An ed25519 signing key stored in server_keys under `name`, created on first
// use. Instances starting together agree on one key.
Result<PrivateKey> LoadOrCreateOnlineKey(storage::Database& database, std::string_view name,
                                         TimePoint now);

// An ed25519 key kept in a file (mode 0600), created on first use.
Result<PrivateKey> LoadOrCreateKeyFile(const std::filesystem::path& path);

// When the database holds no operator token yet, creates one named "admin"
// and writes its secret to `path`. Returns the path when it did.
Result<std::optional<std::filesystem::path>> EnsureFirstToken(storage::Database& database,
                                                              const std::filesystem::path& path,
                                                              TimePoint now);

}  // namespace otter::server
