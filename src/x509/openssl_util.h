// Internal to the x509 module: RAII for OpenSSL objects, error text, key
// conversions and the bridge to Certificate's X509.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/crypto.h"
#include "common/openssl_errors.h"
#include "common/result.h"
#include "x509/errors.h"
#include "x509/x509.h"

namespace otter::x509 {

namespace internal {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* object) const {
    Free(object);
  }
};

void FreeCertificateStack(STACK_OF(X509) * stack);

}  // namespace internal

using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, internal::Deleter<ASN1_INTEGER_free>>;
using Asn1StringPtr = std::unique_ptr<ASN1_STRING, internal::Deleter<ASN1_STRING_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, internal::Deleter<BN_free>>;
using BioPtr = std::unique_ptr<BIO, internal::Deleter<BIO_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, internal::Deleter<EVP_PKEY_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, internal::Deleter<GENERAL_NAME_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, internal::Deleter<GENERAL_NAMES_free>>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, internal::Deleter<PKCS12_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, internal::Deleter<X509_EXTENSION_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, internal::Deleter<X509_NAME_free>>;
using X509Ptr = std::unique_ptr<X509, internal::Deleter<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, internal::Deleter<X509_REQ_free>>;
using X509StackPtr =
    std::unique_ptr<STACK_OF(X509), internal::Deleter<internal::FreeCertificateStack>>;

// A parsed certificate and its validity times (checked when it was read).
struct CertificateHandle {
  X509Ptr x509;
  TimePoint not_before;
  TimePoint not_after;
};

namespace internal {

// Wraps and unwraps the X509 of a Certificate.
struct CertificateAccess {
  // Takes `x509`; fails with kMalformed when its validity times do not parse.
  static Result<Certificate> Wrap(X509Ptr x509);
  // The X509 stays owned by `certificate`. OpenSSL takes it as non-const in
  // calls that only read it (and cache extension flags under a lock).
  static X509* Get(const Certificate& certificate) { return certificate.handle_->x509.get(); }
};

}  // namespace internal

// Inputs larger than this are refused before OpenSSL sees them.
inline constexpr std::size_t kMaxInputBytes = 1024 * 1024;

// "`what`: <OpenSSL errors>".
Error OpenSslError(X509Errc code, std::string_view what);

const unsigned char* Bytes(std::string_view data);
Result<BioPtr> ReadOnlyBio(std::string_view data);
// What was written to a memory BIO.
std::string BioContents(BIO* bio);
// Overwrites a string that held key material.
void Cleanse(std::string& secret);

// The digest to sign with: SHA-256, or none for Ed25519 (which has its own).
const EVP_MD* SignatureDigest(EVP_PKEY* key);

Result<EvpPkeyPtr> ToEvp(const PrivateKey& key);
Result<EvpPkeyPtr> ToEvp(const PublicKey& key);
Result<PrivateKey> PrivateKeyFromEvp(EVP_PKEY* key);
Result<PublicKey> PublicKeyFromEvp(EVP_PKEY* key);

// The text of the only entry `nid` of `name`; empty when there is none or
// several, or when it is not a string.
std::string OnlyNameEntry(const X509_NAME* name, int nid);

// `text` in double quotes for an error message, control characters as '?'
// and cut at 100 bytes: names may come from a peer.
std::string Quoted(std::string_view text);

// 1 to 64 characters of UTF-8, no control characters.
Status CheckCommonName(std::string_view common_name);

}  // namespace otter::x509
