#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>

#include "common/errors.h"
#include "common/file.h"
#include "x509/openssl_util.h"
#include "x509/x509.h"

namespace otter::x509 {
namespace {

using internal::CertificateAccess;

struct Extension {
  int nid;
  std::string value;  // in openssl.cnf syntax
};

// Everything a new certificate holds except what comes from its issuer.
struct Template {
  std::string_view common_name;
  Role role;
  EVP_PKEY* subject_key;
  Validity validity;
  std::vector<Extension> extensions;  // in this order; SKID before AKID
  std::vector<std::string> subject_alt_names;
};

// The CA that signs; no certificate when the new one signs itself.
struct Issuer {
  X509* certificate;
  EVP_PKEY* key;
};

Result<Asn1IntegerPtr> RandomSerial() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return OpenSslError(X509Errc::kCrypto, "generating a serial number");
  }
  bytes[0] |= 0x80;  // always 128 bits long, so never zero
  const BignumPtr number(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  Asn1IntegerPtr serial(number ? BN_to_ASN1_INTEGER(number.get(), nullptr) : nullptr);
  if (serial == nullptr) return OpenSslError(X509Errc::kCrypto, "encoding a serial number");
  return serial;
}

bool AddNameEntry(X509_NAME* name, int nid, std::string_view text) {
  return X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, Bytes(text),
                                    static_cast<int>(text.size()), -1, 0) == 1;
}

// "OU=<role>, CN=<common name>".
Result<X509NamePtr> MakeSubject(std::string_view common_name, Role role) {
  OTTER_TRY(CheckCommonName(common_name));
  X509NamePtr name(X509_NAME_new());
  if (name == nullptr || !AddNameEntry(name.get(), NID_organizationalUnitName, RoleName(role)) ||
      !AddNameEntry(name.get(), NID_commonName, common_name)) {
    return OpenSslError(X509Errc::kInvalidArgument, "encoding the common name");
  }
  return name;
}

bool IsDnsLabel(std::string_view label) {
  constexpr std::size_t kMaxLabel = 63;
  if (label.empty() || label.size() > kMaxLabel || label.front() == '-' || label.back() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

// Letters, digits, '-' and '_' in dot-separated labels; "*." may lead. The
// last label is not all digits, so that "10.0.0.256" is no DNS name either.
bool IsDnsName(std::string_view name) {
  constexpr std::size_t kMaxName = 253;
  if (name.size() > kMaxName) return false;
  if (name.starts_with("*.")) name.remove_prefix(2);
  while (true) {
    const std::size_t dot = name.find('.');
    if (!IsDnsLabel(name.substr(0, dot))) return false;
    if (dot == std::string_view::npos) {
      return !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
    }
    name.remove_prefix(dot + 1);
  }
}

// An IPv4 or IPv6 address as 4 or 16 bytes; empty when `text` is neither.
std::string IpAddressBytes(const std::string& text) {
  std::array<unsigned char, 16> address{};
  if (inet_pton(AF_INET, text.c_str(), address.data()) == 1) {
    return std::string(reinterpret_cast<const char*>(address.data()), 4);
  }
  if (inet_pton(AF_INET6, text.c_str(), address.data()) == 1) {
    return std::string(reinterpret_cast<const char*>(address.data()), address.size());
  }
  return {};
}

Result<GeneralNamePtr> MakeGeneralName(const std::string& text) {
  const std::string address = text.find('\0') == std::string::npos ? IpAddressBytes(text) : "";
  const bool is_ip = !address.empty();
  if (!is_ip && !IsDnsName(text)) {
    return MakeError(X509Errc::kInvalidArgument, "subject alternative name " + Quoted(text) +
                                                     " is neither an IP address nor a DNS name");
  }
  const std::string_view bytes = is_ip ? address : text;
  Asn1StringPtr value(is_ip ? ASN1_OCTET_STRING_new() : ASN1_IA5STRING_new());
  GeneralNamePtr name(GENERAL_NAME_new());
  if (value == nullptr || name == nullptr ||
      ASN1_STRING_set(value.get(), bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return OpenSslError(X509Errc::kCrypto, "encoding subject alternative name");
  }
  GENERAL_NAME_set0_value(name.get(), is_ip ? GEN_IPADD : GEN_DNS, value.release());
  return name;
}

// Moves `name` into `names`.
bool PushGeneralName(GENERAL_NAMES* names, GeneralNamePtr name) {
  if (sk_GENERAL_NAME_push(names, name.get()) <= 0) return false;
  static_cast<void>(name.release());
  return true;
}

Status AddSubjectAltNames(X509* x509, const std::vector<std::string>& texts) {
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (names == nullptr) return OpenSslError(X509Errc::kCrypto, "GENERAL_NAMES_new");
  for (const std::string& text : texts) {
    OTTER_ASSIGN(GeneralNamePtr name, MakeGeneralName(text));
    if (!PushGeneralName(names.get(), std::move(name))) {
      return OpenSslError(X509Errc::kCrypto, "adding subject alternative name");
    }
  }
  if (X509_add1_ext_i2d(x509, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError(X509Errc::kCrypto, "adding subjectAltName");
  }
  return Ok();
}

Status AddExtensions(X509* x509, X509* issuer, const Template& spec) {
  X509V3_CTX context{};
  X509V3_set_ctx(&context, issuer, x509, nullptr, nullptr, 0);
  for (const Extension& extension : spec.extensions) {
    const X509ExtensionPtr encoded(
        X509V3_EXT_nconf_nid(nullptr, &context, extension.nid, extension.value.c_str()));
    if (encoded == nullptr || X509_add_ext(x509, encoded.get(), -1) != 1) {
      return OpenSslError(X509Errc::kCrypto, std::string("adding ") + OBJ_nid2sn(extension.nid) +
                                                 " " + extension.value);
    }
  }
  if (spec.subject_alt_names.empty()) return Ok();
  return AddSubjectAltNames(x509, spec.subject_alt_names);
}

bool SetTime(ASN1_TIME* field, TimePoint time) {
  return ASN1_TIME_set(field, static_cast<std::time_t>(time.time_since_epoch().count())) != nullptr;
}

// Sets everything but the extensions.
Status SetFields(X509* x509, const X509_NAME* issuer_name, const X509_NAME* subject,
                 const Template& spec) {
  OTTER_ASSIGN(const Asn1IntegerPtr serial, RandomSerial());
  if (X509_set_version(x509, X509_VERSION_3) != 1 ||
      X509_set_serialNumber(x509, serial.get()) != 1 || X509_set_subject_name(x509, subject) != 1 ||
      X509_set_issuer_name(x509, issuer_name) != 1 ||
      !SetTime(X509_getm_notBefore(x509), spec.validity.not_before) ||
      !SetTime(X509_getm_notAfter(x509), spec.validity.not_after) ||
      X509_set_pubkey(x509, spec.subject_key) != 1) {
    return OpenSslError(X509Errc::kCrypto, "building certificate");
  }
  return Ok();
}

Result<Certificate> Build(const Template& spec, const Issuer& issuer) {
  OTTER_ASSIGN(const X509NamePtr subject, MakeSubject(spec.common_name, spec.role));
  X509Ptr x509(X509_new());
  if (x509 == nullptr) return OpenSslError(X509Errc::kCrypto, "X509_new");
  X509* issuer_certificate = issuer.certificate != nullptr ? issuer.certificate : x509.get();
  const X509_NAME* issuer_name =
      issuer.certificate != nullptr ? X509_get_subject_name(issuer.certificate) : subject.get();
  OTTER_TRY(SetFields(x509.get(), issuer_name, subject.get(), spec));
  OTTER_TRY(AddExtensions(x509.get(), issuer_certificate, spec));
  if (X509_sign(x509.get(), issuer.key, SignatureDigest(issuer.key)) <= 0) {
    return OpenSslError(X509Errc::kCrypto, "signing certificate");
  }
  return CertificateAccess::Wrap(std::move(x509));
}

Status CheckValidity(const Validity& validity) {
  if (validity.not_before < validity.not_after) return Ok();
  return MakeError(X509Errc::kInvalidArgument, "validity from " + FormatTime(validity.not_before) +
                                                   " to " + FormatTime(validity.not_after) +
                                                   " is empty");
}

// `validity` with its end cut back to the end of the CA's.
Result<Validity> LimitToCa(const Validity& validity, const Certificate& ca) {
  const Validity limited{validity.not_before, std::min(validity.not_after, ca.NotAfter())};
  if (validity.not_after > ca.NotAfter() && limited.not_after <= limited.not_before) {
    return MakeError(X509Errc::kInvalidArgument, "the CA's validity ends at " +
                                                     FormatTime(ca.NotAfter()) +
                                                     ", before the new certificate's starts");
  }
  OTTER_TRY(CheckValidity(limited));
  return limited;
}

Template CaTemplate(std::string_view common_name, EVP_PKEY* key, const Validity& validity) {
  return Template{common_name,
                  Role::kCa,
                  key,
                  validity,
                  {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                   {NID_key_usage, "critical,keyCertSign,cRLSign"},
                   {NID_subject_key_identifier, "hash"},
                   {NID_authority_key_identifier, "keyid:always"}},
                  {}};
}

Template LeafTemplate(std::string_view common_name, Role role, EVP_PKEY* key,
                      const Validity& validity, Purpose purpose) {
  // RSA key exchange (TLS 1.2) encrypts to the key; EC and EdDSA keys only sign.
  const bool is_rsa = EVP_PKEY_is_a(key, "RSA") == 1;
  return Template{
      common_name,
      role,
      key,
      validity,
      {{NID_basic_constraints, "critical,CA:FALSE"},
       {NID_key_usage,
        is_rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature"},
       {NID_ext_key_usage, purpose == Purpose::kServerAuth ? "serverAuth" : "clientAuth"},
       {NID_subject_key_identifier, "hash"},
       {NID_authority_key_identifier, "keyid:always"}},
      {}};
}

Result<Certificate> IssueWith(const Certificate& ca, const PrivateKey& ca_key, Template spec) {
  OTTER_ASSIGN(spec.validity, LimitToCa(spec.validity, ca));
  OTTER_ASSIGN(const EvpPkeyPtr signing_key, ToEvp(ca_key));
  return Build(spec, Issuer{CertificateAccess::Get(ca), signing_key.get()});
}

}  // namespace

Result<PrivateKey> GenerateTlsKey() { return PrivateKey::Generate(KeyType::kEcdsaP256); }

Result<CertificateAuthority> CertificateAuthority::Create(std::string_view common_name,
                                                          TimePoint now) {
  OTTER_ASSIGN(const PrivateKey key, GenerateTlsKey());
  return Create(common_name, key, Validity::Starting(now, kDefaultCaLifetime));
}

Result<CertificateAuthority> CertificateAuthority::Create(std::string_view common_name,
                                                          const PrivateKey& key,
                                                          const Validity& validity) {
  const std::string context = "creating CA " + Quoted(common_name);
  OTTER_TRY_CONTEXT(CheckValidity(validity), context);
  OTTER_ASSIGN_CONTEXT(const EvpPkeyPtr pkey, ToEvp(key), context);
  const Template spec = CaTemplate(common_name, pkey.get(), validity);
  OTTER_ASSIGN_CONTEXT(Certificate certificate, Build(spec, Issuer{nullptr, pkey.get()}), context);
  return CertificateAuthority(std::move(certificate), key);
}

Result<CertificateAuthority> CertificateAuthority::FromPem(std::string_view certificate_pem,
                                                           std::string_view key_pem) {
  OTTER_ASSIGN_CONTEXT(Certificate certificate, Certificate::FromPem(certificate_pem),
                       "reading CA certificate");
  OTTER_ASSIGN_CONTEXT(PrivateKey key, PrivateKey::FromPem(key_pem), "reading CA key");
  const std::string name = Quoted(certificate.SubjectCommonName());
  if (!certificate.IsCa()) {
    return MakeError(X509Errc::kNotCa, "certificate " + name + " is not a CA certificate");
  }
  OTTER_ASSIGN(const EvpPkeyPtr pkey, ToEvp(key));
  if (X509_check_private_key(CertificateAccess::Get(certificate), pkey.get()) != 1) {
    ERR_clear_error();
    return MakeError(X509Errc::kKeyMismatch, "the key is not the key of CA " + name);
  }
  return CertificateAuthority(std::move(certificate), std::move(key));
}

Result<CertificateAuthority> CertificateAuthority::Load(
    const std::filesystem::path& certificate_path, const std::filesystem::path& key_path) {
  OTTER_ASSIGN_CONTEXT(const std::string certificate_pem,
                       ReadFile(certificate_path, kMaxInputBytes),
                       "reading " + certificate_path.string());
  OTTER_ASSIGN_CONTEXT(std::string key_pem, ReadFile(key_path, kMaxInputBytes),
                       "reading " + key_path.string());
  auto authority = FromPem(certificate_pem, key_pem);
  Cleanse(key_pem);
  if (!authority.ok()) {
    return std::move(authority).error().WithContext("loading CA from " + certificate_path.string() +
                                                    " and " + key_path.string());
  }
  return authority;
}

Status CertificateAuthority::Save(const std::filesystem::path& certificate_path,
                                  const std::filesystem::path& key_path) const {
  OTTER_TRY_CONTEXT(SavePrivateKey(key_, key_path.string()), "saving CA key");
  OTTER_TRY_CONTEXT(WriteFileAtomic(certificate_path, certificate_.ToPem()),
                    "saving CA certificate");
  return Ok();
}

Result<Certificate> CertificateAuthority::IssueServerCertificate(
    std::string_view common_name, const std::vector<std::string>& subject_alt_names,
    const PublicKey& key, const Validity& validity) const {
  const std::string context = "issuing server certificate " + Quoted(common_name);
  if (subject_alt_names.empty()) {
    return MakeError(X509Errc::kInvalidArgument, context + ": no subject alternative name");
  }
  OTTER_ASSIGN_CONTEXT(const EvpPkeyPtr subject_key, ToEvp(key), context);
  Template spec =
      LeafTemplate(common_name, Role::kServer, subject_key.get(), validity, Purpose::kServerAuth);
  spec.subject_alt_names = subject_alt_names;
  OTTER_ASSIGN_CONTEXT(Certificate certificate, IssueWith(certificate_, key_, std::move(spec)),
                       context);
  return certificate;
}

Result<Certificate> CertificateAuthority::IssueClientCertificate(std::string_view common_name,
                                                                 Role role, const PublicKey& key,
                                                                 const Validity& validity) const {
  if (role != Role::kDevice && role != Role::kProvisioning) {
    return MakeError(X509Errc::kInvalidArgument,
                     "issuing client certificate " + Quoted(common_name) + ": role " +
                         std::string(RoleName(role)) + " is not device or provisioning");
  }
  const std::string context =
      "issuing " + std::string(RoleName(role)) + " certificate " + Quoted(common_name);
  OTTER_ASSIGN_CONTEXT(const EvpPkeyPtr subject_key, ToEvp(key), context);
  Template spec =
      LeafTemplate(common_name, role, subject_key.get(), validity, Purpose::kClientAuth);
  OTTER_ASSIGN_CONTEXT(Certificate certificate, IssueWith(certificate_, key_, std::move(spec)),
                       context);
  return certificate;
}

Result<Certificate> CertificateAuthority::IssueFromCsr(std::string_view csr_pem,
                                                       std::string_view expected_common_name,
                                                       Role role, const Validity& validity) const {
  const std::string context = "issuing certificate for CSR of " + Quoted(expected_common_name);
  OTTER_ASSIGN_CONTEXT(const Csr csr, Csr::FromPem(csr_pem), context);
  if (csr.common_name() != expected_common_name) {
    return MakeError(X509Errc::kNameMismatch,
                     context + ": the CSR asks for " + Quoted(csr.common_name()));
  }
  return IssueClientCertificate(expected_common_name, role, csr.public_key(), validity);
}

}  // namespace otter::x509
