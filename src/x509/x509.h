// X.509 for Otter's TLS: the server CA and what it signs (the server's own
// TLS certificate, fleet provisioning certificates, per-device client
// certificates whose subject CN is the device id), CSRs, PKCS#12 bundles.
//
// Every certificate Otter issues names its role in the subject OU: "ca",
// "server", "provisioning" or "device". A role read from a certificate is
// only as trustworthy as the certificate: check VerifySignedBy() first.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "common/time.h"
#include "x509/errors.h"

namespace otter::x509 {

enum class Role { kCa, kServer, kProvisioning, kDevice };

std::string_view RoleName(Role role);  // "ca", "server", "provisioning", "device"
Result<Role> ParseRole(std::string_view name);

// TLS purposes, as an extendedKeyUsage names them.
enum class Purpose { kServerAuth, kClientAuth };

// How far an issued certificate's validity reaches back before "now", so
// that a peer whose clock runs a little behind accepts a fresh certificate.
inline constexpr std::chrono::seconds kClockSkewAllowance = std::chrono::minutes(5);
inline constexpr std::chrono::seconds kDefaultCaLifetime =
    std::chrono::duration_cast<std::chrono::seconds>(std::chrono::years(10));

struct Validity {
  TimePoint not_before;
  TimePoint not_after;

  // From `now - kClockSkewAllowance` to `now + lifetime`.
  static Validity Starting(TimePoint now, std::chrono::seconds lifetime);
};

struct CertificateHandle;  // wraps an X509
namespace internal {
struct CertificateAccess;
}

// An immutable, parsed certificate; copies share it.
class Certificate {
 public:
  // The first certificate of `pem`. Certificates after it (a chain) must
  // parse but are otherwise ignored; other PEM blocks are skipped.
  static Result<Certificate> FromPem(std::string_view pem);
  // Every certificate of `pem` in order; fails unless there is at least one.
  static Result<std::vector<Certificate>> ChainFromPem(std::string_view pem);
  static Result<Certificate> FromDer(std::string_view der);

  std::string ToPem() const;
  std::string ToDer() const;

  // The CN of the subject or issuer; empty when there is none or several.
  std::string SubjectCommonName() const;
  std::string IssuerCommonName() const;
  // Lowercase hex of the serial number's big-endian bytes.
  std::string SerialHex() const;
  TimePoint NotBefore() const;
  TimePoint NotAfter() const;
  // NotBefore() <= time <= NotAfter().
  bool IsValidAt(TimePoint time) const;

  // The first subject OU that names a role; failing that, "ca" for a CA
  // certificate and "server" for one whose extendedKeyUsage is serverAuth
  // without clientAuth. X509Errc::kNoRole otherwise.
  Result<Role> role() const;
  // DNS names and IP addresses (as text) of the subjectAltName extension.
  std::vector<std::string> SubjectAltNames() const;
  // Fails with X509Errc::kUnsupportedKey for a key otter::PublicKey lacks.
  Result<PublicKey> public_key() const;
  // basicConstraints CA:TRUE.
  bool IsCa() const;
  // Whether a TLS peer may use this certificate for `purpose` (keyUsage and
  // extendedKeyUsage, as OpenSSL's TLS checks read them).
  bool AllowsPurpose(Purpose purpose) const;
  // SHA-256 of the DER encoding, lowercase hex.
  std::string Sha256Fingerprint() const;

  // OK when `ca` is a CA certificate, is the issuer this certificate names
  // (name and key identifier) and its key verifies the signature. Validity
  // times are not checked: see IsValidAt().
  Status VerifySignedBy(const Certificate& ca) const;

  bool operator==(const Certificate& other) const;

 private:
  friend struct internal::CertificateAccess;
  explicit Certificate(std::shared_ptr<const CertificateHandle> handle)
      : handle_(std::move(handle)) {}

  std::shared_ptr<const CertificateHandle> handle_;
};

// The PEM blocks of `chain`, concatenated.
std::string ChainToPem(const std::vector<Certificate>& chain);

// A PKCS#10 certificate request, for a device that keeps its private key.
class Csr {
 public:
  // A request for `common_name`, signed by `key` (proof of possession).
  static Result<Csr> Create(const PrivateKey& key, std::string_view common_name);
  // Parses a PEM request and checks its self-signature: a request whose
  // signature does not verify fails with X509Errc::kBadSignature.
  static Result<Csr> FromPem(std::string_view pem);

  const std::string& pem() const { return pem_; }
  // The only CN of the subject.
  const std::string& common_name() const { return common_name_; }
  const PublicKey& public_key() const { return public_key_; }

 private:
  Csr(std::string pem, std::string common_name, PublicKey public_key)
      : pem_(std::move(pem)),
        common_name_(std::move(common_name)),
        public_key_(std::move(public_key)) {}

  std::string pem_;
  std::string common_name_;
  PublicKey public_key_;
};

// A CA certificate and its private key.
//
// Issued certificates carry a random 128-bit serial (top bit set) and the
// subject "OU=<role>, CN=<common name>". Their notAfter is cut back to the
// CA's own. A common name is 1 to 64 characters of UTF-8 without control
// characters.
class CertificateAuthority {
 public:
  // A self-signed CA "OU=ca, CN=<common_name>" with a new EC P-256 key,
  // valid from `now` (less kClockSkewAllowance) for kDefaultCaLifetime.
  // Extensions: basicConstraints critical CA:TRUE, pathlen:0 (it signs end
  // entities only); keyUsage critical keyCertSign, cRLSign; subject and
  // authority key identifiers.
  static Result<CertificateAuthority> Create(std::string_view common_name, TimePoint now);
  // The same with a given key (Ed25519, P-256 or RSA) and validity.
  static Result<CertificateAuthority> Create(std::string_view common_name, const PrivateKey& key,
                                             const Validity& validity);
  // From a CA certificate and its private key. The certificate need not be
  // self-signed (an intermediate under an offline root is fine).
  static Result<CertificateAuthority> FromPem(std::string_view certificate_pem,
                                              std::string_view key_pem);
  static Result<CertificateAuthority> Load(const std::filesystem::path& certificate_path,
                                           const std::filesystem::path& key_path);
  // Writes the key (mode 0600), then the certificate (0644), each
  // atomically. Existing files are replaced.
  Status Save(const std::filesystem::path& certificate_path,
              const std::filesystem::path& key_path) const;

  const Certificate& certificate() const { return certificate_; }

  // A TLS server certificate (extendedKeyUsage serverAuth). Each subject
  // alternative name is an IPv4/IPv6 address ("127.0.0.1", "::1") or a DNS
  // name ("localhost", "*.example.com"); at least one is required.
  Result<Certificate> IssueServerCertificate(std::string_view common_name,
                                             const std::vector<std::string>& subject_alt_names,
                                             const PublicKey& key, const Validity& validity) const;
  // A TLS client certificate (extendedKeyUsage clientAuth) for the role
  // kDevice or kProvisioning.
  Result<Certificate> IssueClientCertificate(std::string_view common_name, Role role,
                                             const PublicKey& key, const Validity& validity) const;
  // IssueClientCertificate() for the key of a PEM CSR. Refuses a CSR whose
  // signature does not verify (kBadSignature) or whose CN is not
  // `expected_common_name` (kNameMismatch). Only the CSR's key is used: its
  // other subject fields and its extensions are ignored.
  Result<Certificate> IssueFromCsr(std::string_view csr_pem, std::string_view expected_common_name,
                                   Role role, const Validity& validity) const;

 private:
  CertificateAuthority(Certificate certificate, PrivateKey key)
      : certificate_(std::move(certificate)), key_(std::move(key)) {}

  Certificate certificate_;
  PrivateKey key_;
};

// A new EC P-256 key for TLS.
Result<PrivateKey> GenerateTlsKey();

struct Pkcs12Bundle {
  Certificate certificate;
  PrivateKey key;
  std::vector<Certificate> ca_chain;
};

// A DER PKCS#12 file (OpenSSL 3 defaults: AES-256-CBC with PBKDF2, SHA-256
// MAC) holding `key`, `certificate` (friendly name = its CN) and
// `ca_chain`. aktualizr reads device credentials with an empty password.
Result<std::string> ToPkcs12(const Certificate& certificate, const PrivateKey& key,
                             const std::vector<Certificate>& ca_chain,
                             std::string_view password = "");
// Reads a DER PKCS#12 file; a wrong password fails with kBadPassword.
Result<Pkcs12Bundle> FromPkcs12(std::string_view der, std::string_view password = "");

}  // namespace otter::x509
