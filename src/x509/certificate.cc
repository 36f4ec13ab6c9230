#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>

#include "common/errors.h"
#include "common/hex.h"
#include "x509/openssl_util.h"
#include "x509/x509.h"

namespace otter::x509 {
namespace {

using internal::CertificateAccess;

constexpr std::pair<Role, std::string_view> kRoleNames[] = {
    {Role::kCa, "ca"},
    {Role::kServer, "server"},
    {Role::kProvisioning, "provisioning"},
    {Role::kDevice, "device"},
};

// Encoding a certificate we hold fails only when OpenSSL cannot allocate.
[[noreturn]] void Fatal(const char* call) {
  std::fprintf(stderr, "otter: %s failed: %s\n", call, OpenSslErrors().c_str());
  std::abort();
}

int NoPassphrase(char*, int, int, void*) { return 0; }

Result<TimePoint> ToTimePoint(const ASN1_TIME* time, std::string_view what) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    ERR_clear_error();
    return MakeError(X509Errc::kMalformed, "unreadable " + std::string(what));
  }
  using namespace std::chrono;
  const sys_days date = year(tm.tm_year + 1900) / month(static_cast<unsigned>(tm.tm_mon + 1)) /
                        day(static_cast<unsigned>(tm.tm_mday));
  return TimePoint(date + hours(tm.tm_hour) + minutes(tm.tm_min) + seconds(tm.tm_sec));
}

// True when the PEM reader stopped because no PEM block was left.
bool AtEndOfPem() {
  const unsigned long error = ERR_peek_last_error();
  return ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
}

// The next certificate of `bio`; nullopt once no PEM block is left.
Result<std::optional<Certificate>> ReadNextCertificate(BIO* bio, std::size_t index) {
  X509Ptr x509(PEM_read_bio_X509(bio, nullptr, NoPassphrase, nullptr));
  if (x509 == nullptr && AtEndOfPem()) {
    ERR_clear_error();
    return std::optional<Certificate>();
  }
  if (x509 == nullptr) {
    return OpenSslError(X509Errc::kMalformed, "reading certificate " + std::to_string(index + 1));
  }
  OTTER_ASSIGN(Certificate certificate, CertificateAccess::Wrap(std::move(x509)));
  return std::optional<Certificate>(std::move(certificate));
}

// The text of a DNS name or IP address; empty for other kinds of names.
std::string GeneralNameText(const GENERAL_NAME* name) {
  int type = 0;
  const void* value = GENERAL_NAME_get0_value(name, &type);
  if (type != GEN_DNS && type != GEN_IPADD) return {};  // `value` is no ASN1_STRING
  const auto* string = static_cast<const ASN1_STRING*>(value);
  const auto* data = reinterpret_cast<const char*>(ASN1_STRING_get0_data(string));
  const auto length = static_cast<std::size_t>(ASN1_STRING_length(string));
  if (type == GEN_DNS) return std::string(data, length);
  if (length != 4 && length != 16) return {};
  char text[INET6_ADDRSTRLEN] = {};
  const int family = length == 4 ? AF_INET : AF_INET6;
  return inet_ntop(family, data, text, sizeof(text)) != nullptr ? text : "";
}

int GeneralNameCount(const GENERAL_NAMES* names) { return sk_GENERAL_NAME_num(names); }
const GENERAL_NAME* GeneralNameAt(const GENERAL_NAMES* names, int index) {
  return sk_GENERAL_NAME_value(names, index);
}

// The role named by the first subject OU that names one.
Result<Role> RoleFromSubject(const X509_NAME* subject) {
  int index = -1;
  while ((index = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, index)) >= 0) {
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    const std::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                static_cast<std::size_t>(ASN1_STRING_length(value)));
    auto role = ParseRole(text);
    if (role.ok()) return role;
  }
  return MakeError(X509Errc::kNoRole, "no subject OU names a role");
}

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [value, name] : kRoleNames) {
    if (value == role) return name;
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view name) {
  for (const auto& [value, role_name] : kRoleNames) {
    if (role_name == name) return value;
  }
  return MakeError(X509Errc::kNoRole, "unknown role " + Quoted(name));
}

Validity Validity::Starting(TimePoint now, std::chrono::seconds lifetime) {
  return Validity{now - kClockSkewAllowance, now + lifetime};
}

namespace internal {

Result<Certificate> CertificateAccess::Wrap(X509Ptr x509) {
  OTTER_ASSIGN(const TimePoint not_before,
               ToTimePoint(X509_get0_notBefore(x509.get()), "notBefore"));
  OTTER_ASSIGN(const TimePoint not_after, ToTimePoint(X509_get0_notAfter(x509.get()), "notAfter"));
  auto handle = std::make_shared<const CertificateHandle>(
      CertificateHandle{std::move(x509), not_before, not_after});
  return Certificate(std::move(handle));
}

}  // namespace internal

Result<Certificate> Certificate::FromPem(std::string_view pem) {
  OTTER_ASSIGN(auto chain, ChainFromPem(pem));
  return std::move(chain.front());
}

Result<std::vector<Certificate>> Certificate::ChainFromPem(std::string_view pem) {
  ERR_clear_error();
  OTTER_ASSIGN(const BioPtr bio, ReadOnlyBio(pem));
  std::vector<Certificate> chain;
  while (true) {
    OTTER_ASSIGN(std::optional<Certificate> certificate,
                 ReadNextCertificate(bio.get(), chain.size()));
    if (!certificate.has_value()) break;
    chain.push_back(std::move(*certificate));
  }
  if (chain.empty()) return MakeError(X509Errc::kMalformed, "no certificate in PEM");
  return chain;
}

Result<Certificate> Certificate::FromDer(std::string_view der) {
  if (der.size() > kMaxInputBytes) {
    return MakeError(CommonErrc::kTooLarge,
                     "certificate of " + std::to_string(der.size()) + " bytes");
  }
  const unsigned char* next = Bytes(der);
  X509Ptr x509(d2i_X509(nullptr, &next, static_cast<long>(der.size())));
  if (x509 == nullptr) return OpenSslError(X509Errc::kMalformed, "reading DER certificate");
  if (next != Bytes(der) + der.size()) {
    return MakeError(X509Errc::kMalformed, "trailing bytes after DER certificate");
  }
  return CertificateAccess::Wrap(std::move(x509));
}

std::string Certificate::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), handle_->x509.get()) != 1) {
    Fatal("PEM_write_bio_X509");
  }
  return BioContents(bio.get());
}

std::string Certificate::ToDer() const {
  const int length = i2d_X509(handle_->x509.get(), nullptr);
  if (length <= 0) Fatal("i2d_X509");
  std::string der(static_cast<std::size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_X509(handle_->x509.get(), &out) != length) Fatal("i2d_X509");
  return der;
}

std::string ChainToPem(const std::vector<Certificate>& chain) {
  std::string pem;
  for (const Certificate& certificate : chain) pem += certificate.ToPem();
  return pem;
}

std::string Certificate::SubjectCommonName() const {
  return OnlyNameEntry(X509_get_subject_name(handle_->x509.get()), NID_commonName);
}

std::string Certificate::IssuerCommonName() const {
  return OnlyNameEntry(X509_get_issuer_name(handle_->x509.get()), NID_commonName);
}

std::string Certificate::SerialHex() const {
  const BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(handle_->x509.get()), nullptr));
  if (serial == nullptr) Fatal("ASN1_INTEGER_to_BN");
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(serial.get())), '\0');
  BN_bn2bin(serial.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  const std::string hex = bytes.empty() ? "00" : HexEncode(bytes);
  return BN_is_negative(serial.get()) ? "-" + hex : hex;
}

TimePoint Certificate::NotBefore() const { return handle_->not_before; }
TimePoint Certificate::NotAfter() const { return handle_->not_after; }

bool Certificate::IsValidAt(TimePoint time) const {
  return handle_->not_before <= time && time <= handle_->not_after;
}

Result<Role> Certificate::role() const {
  X509* x509 = handle_->x509.get();
  auto from_subject = RoleFromSubject(X509_get_subject_name(x509));
  if (from_subject.ok()) return from_subject;
  if (IsCa()) return Role::kCa;
  const std::uint32_t usages = X509_get_extended_key_usage(x509);
  if (usages != UINT32_MAX && (usages & XKU_SSL_SERVER) != 0 && (usages & XKU_SSL_CLIENT) == 0) {
    return Role::kServer;
  }
  return MakeError(X509Errc::kNoRole, "certificate " + Quoted(SubjectCommonName()) +
                                          " names no role in its subject OU or extensions");
}

std::vector<std::string> Certificate::SubjectAltNames() const {
  const GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(handle_->x509.get(), NID_subject_alt_name, nullptr, nullptr)));
  std::vector<std::string> texts;
  if (names == nullptr) return texts;
  for (int i = 0; i < GeneralNameCount(names.get()); ++i) {
    std::string text = GeneralNameText(GeneralNameAt(names.get(), i));
    if (!text.empty()) texts.push_back(std::move(text));
  }
  return texts;
}

Result<PublicKey> Certificate::public_key() const {
  EVP_PKEY* key = X509_get0_pubkey(handle_->x509.get());
  if (key == nullptr) return OpenSslError(X509Errc::kMalformed, "reading certificate public key");
  return PublicKeyFromEvp(key);
}

bool Certificate::IsCa() const { return X509_check_ca(handle_->x509.get()) == 1; }

bool Certificate::AllowsPurpose(Purpose purpose) const {
  const int id =
      purpose == Purpose::kServerAuth ? X509_PURPOSE_SSL_SERVER : X509_PURPOSE_SSL_CLIENT;
  return X509_check_purpose(handle_->x509.get(), id, 0) == 1;
}

std::string Certificate::Sha256Fingerprint() const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(handle_->x509.get(), EVP_sha256(), digest, &length) != 1) Fatal("X509_digest");
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

Status Certificate::VerifySignedBy(const Certificate& ca) const {
  const std::string names =
      "certificate " + Quoted(SubjectCommonName()) + " and CA " + Quoted(ca.SubjectCommonName());
  if (!ca.IsCa()) return MakeError(X509Errc::kNotCa, names + ": the CA is not a CA certificate");
  X509* ca_x509 = ca.handle_->x509.get();
  const int issued = X509_check_issued(ca_x509, handle_->x509.get());
  if (issued != X509_V_OK) {
    const X509Errc code =
        issued == X509_V_ERR_KEYUSAGE_NO_CERTSIGN ? X509Errc::kNotCa : X509Errc::kWrongIssuer;
    return MakeError(code, names + ": " + X509_verify_cert_error_string(issued) + " (issuer is " +
                               Quoted(IssuerCommonName()) + ")");
  }
  EVP_PKEY* ca_key = X509_get0_pubkey(ca_x509);
  if (ca_key == nullptr || X509_verify(handle_->x509.get(), ca_key) != 1) {
    ERR_clear_error();
    return MakeError(X509Errc::kBadSignature, names + ": signature does not verify");
  }
  return Ok();
}

bool Certificate::operator==(const Certificate& other) const {
  return X509_cmp(handle_->x509.get(), other.handle_->x509.get()) == 0;
}

}  // namespace otter::x509
