#include <openssl/err.h>
#include <openssl/pkcs12.h>

#include "common/errors.h"
#include "x509/openssl_util.h"
#include "x509/x509.h"

namespace otter::x509 {
namespace {

using internal::CertificateAccess;

Result<X509StackPtr> MakeStack(const std::vector<Certificate>& certificates) {
  X509StackPtr stack(sk_X509_new_null());
  if (stack == nullptr) return OpenSslError(X509Errc::kCrypto, "sk_X509_new_null");
  for (const Certificate& certificate : certificates) {
    X509* x509 = CertificateAccess::Get(certificate);
    if (X509_up_ref(x509) != 1) return OpenSslError(X509Errc::kCrypto, "X509_up_ref");
    if (sk_X509_push(stack.get(), x509) <= 0) {
      X509_free(x509);
      return OpenSslError(X509Errc::kCrypto, "sk_X509_push");
    }
  }
  return stack;
}

// OpenSSL takes the password as a C string.
Result<std::string> PasswordText(std::string_view password) {
  if (password.find('\0') != std::string_view::npos) {
    return MakeError(X509Errc::kInvalidArgument, "the password holds a NUL character");
  }
  return std::string(password);
}

Status CheckKeyMatches(X509* x509, EVP_PKEY* key) {
  if (X509_check_private_key(x509, key) == 1) return Ok();
  ERR_clear_error();
  return MakeError(X509Errc::kKeyMismatch, "the key is not the certificate's");
}

Result<std::string> ToDer(PKCS12* p12) {
  const int length = i2d_PKCS12(p12, nullptr);
  if (length <= 0) return OpenSslError(X509Errc::kCrypto, "encoding PKCS#12");
  std::string der(static_cast<std::size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_PKCS12(p12, &out) != length) return OpenSslError(X509Errc::kCrypto, "encoding PKCS#12");
  return der;
}

Result<Pkcs12Ptr> ReadPkcs12(std::string_view der) {
  if (der.size() > kMaxInputBytes) {
    return MakeError(CommonErrc::kTooLarge, "PKCS#12 of " + std::to_string(der.size()) + " bytes");
  }
  const unsigned char* next = Bytes(der);
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &next, static_cast<long>(der.size())));
  if (p12 == nullptr) return OpenSslError(X509Errc::kMalformed, "reading PKCS#12");
  return p12;
}

Error ParseError() {
  const unsigned long error = ERR_peek_last_error();
  if (ERR_GET_LIB(error) == ERR_LIB_PKCS12 &&
      ERR_GET_REASON(error) == PKCS12_R_MAC_VERIFY_FAILURE) {
    ERR_clear_error();
    return MakeError(X509Errc::kBadPassword, "PKCS#12 integrity check failed: wrong password?");
  }
  return OpenSslError(X509Errc::kMalformed, "reading PKCS#12");
}

Result<std::vector<Certificate>> ToCertificates(STACK_OF(X509) * stack) {
  std::vector<Certificate> certificates;
  while (stack != nullptr && sk_X509_num(stack) > 0) {
    OTTER_ASSIGN(Certificate certificate, CertificateAccess::Wrap(X509Ptr(sk_X509_shift(stack))));
    certificates.push_back(std::move(certificate));
  }
  return certificates;
}

}  // namespace

Result<std::string> ToPkcs12(const Certificate& certificate, const PrivateKey& key,
                             const std::vector<Certificate>& ca_chain, std::string_view password) {
  const std::string name = certificate.SubjectCommonName();
  const std::string context = "creating PKCS#12 for " + Quoted(name);
  OTTER_ASSIGN_CONTEXT(const std::string pass, PasswordText(password), context);
  OTTER_ASSIGN_CONTEXT(const EvpPkeyPtr pkey, ToEvp(key), context);
  X509* x509 = CertificateAccess::Get(certificate);
  OTTER_TRY_CONTEXT(CheckKeyMatches(x509, pkey.get()), context);
  OTTER_ASSIGN_CONTEXT(const X509StackPtr chain, MakeStack(ca_chain), context);
  // Zero NIDs pick OpenSSL's defaults; the iteration counts are those of
  // `openssl pkcs12 -export`.
  const Pkcs12Ptr p12(PKCS12_create(pass.c_str(), name.empty() ? nullptr : name.c_str(), pkey.get(),
                                    x509, chain.get(), 0, 0, PKCS12_DEFAULT_ITER,
                                    PKCS12_DEFAULT_ITER, 0));
  if (p12 == nullptr) return OpenSslError(X509Errc::kCrypto, context);
  return ToDer(p12.get());
}

Result<Pkcs12Bundle> FromPkcs12(std::string_view der, std::string_view password) {
  ERR_clear_error();
  OTTER_ASSIGN(const std::string pass, PasswordText(password));
  OTTER_ASSIGN(const Pkcs12Ptr p12, ReadPkcs12(der));
  EVP_PKEY* raw_key = nullptr;
  X509* raw_certificate = nullptr;
  STACK_OF(X509)* raw_chain = nullptr;
  const int parsed = PKCS12_parse(p12.get(), pass.c_str(), &raw_key, &raw_certificate, &raw_chain);
  const EvpPkeyPtr key(raw_key);
  X509Ptr x509(raw_certificate);
  const X509StackPtr chain(raw_chain);
  if (parsed != 1) return ParseError();
  if (key == nullptr || x509 == nullptr) {
    return MakeError(X509Errc::kMalformed, "PKCS#12 lacks a private key or its certificate");
  }
  OTTER_TRY_CONTEXT(CheckKeyMatches(x509.get(), key.get()), "reading PKCS#12");
  OTTER_ASSIGN(Certificate certificate, CertificateAccess::Wrap(std::move(x509)));
  OTTER_ASSIGN(PrivateKey private_key, PrivateKeyFromEvp(key.get()));
  OTTER_ASSIGN(std::vector<Certificate> ca_chain, ToCertificates(chain.get()));
  return Pkcs12Bundle{std::move(certificate), std::move(private_key), std::move(ca_chain)};
}

}  // namespace otter::x509
