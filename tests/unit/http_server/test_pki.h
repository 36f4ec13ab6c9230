// A throwaway PKI for the TLS tests, made with OpenSSL's X509 API: CAs,
// a server certificate for 127.0.0.1, and client certificates with chosen
// serials and validity, written as PEM files.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace otter::http::harness {

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertDeleter {
  void operator()(X509* cert) const { X509_free(cert); }
};

struct CertSpec {
  std::string common_name;
  long serial = 1;
  std::chrono::seconds not_before{-3600};  // from now
  std::chrono::seconds not_after{86400};
  bool ca = false;
  bool server = false;  // subjectAltName 127.0.0.1, localhost
};

struct Issued {
  std::unique_ptr<EVP_PKEY, KeyDeleter> key;
  std::unique_ptr<X509, CertDeleter> cert;
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
};

inline void Require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

inline void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  Require(extension != nullptr && X509_add_ext(cert, extension, -1) == 1, value);
  X509_EXTENSION_free(extension);
}

inline void AddExtensions(X509* cert, X509* issuer, const CertSpec& spec) {
  AddExtension(cert, issuer, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "CA:FALSE");
  AddExtension(cert, issuer, NID_subject_key_identifier, "hash");
  if (issuer != cert) AddExtension(cert, issuer, NID_authority_key_identifier, "keyid:always");
  if (spec.ca) AddExtension(cert, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (spec.server) {
    AddExtension(cert, issuer, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  }
}

inline void WritePem(const Issued& issued) {
  BIO* cert_bio = BIO_new_file(issued.cert_file.c_str(), "w");
  Require(cert_bio != nullptr && PEM_write_bio_X509(cert_bio, issued.cert.get()) == 1, "cert");
  BIO_free(cert_bio);
  BIO* key_bio = BIO_new_file(issued.key_file.c_str(), "w");
  Require(key_bio != nullptr && PEM_write_bio_PrivateKey(key_bio, issued.key.get(), nullptr,
                                                         nullptr, 0, nullptr, nullptr) == 1,
          "key");
  BIO_free(key_bio);
}

// Issues `spec`, signed by `issuer` (self-signed without one), and writes
// <dir>/<common name>.crt and .key.
inline Issued Issue(const CertSpec& spec, const Issued* issuer, const std::filesystem::path& dir) {
  Issued issued{.key = {EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), {}},
                .cert = {X509_new(), {}},
                .cert_file = dir / (spec.common_name + ".crt"),
                .key_file = dir / (spec.common_name + ".key")};
  X509* cert = issued.cert.get();
  Require(issued.key && cert != nullptr, "allocating");
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), spec.serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), static_cast<long>(spec.not_before.count()));
  X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(spec.not_after.count()));
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  X509* issuer_cert = issuer != nullptr ? issuer->cert.get() : cert;
  X509_set_issuer_name(cert, X509_get_subject_name(issuer_cert));
  X509_set_pubkey(cert, issued.key.get());
  AddExtensions(cert, issuer_cert, spec);
  EVP_PKEY* signer = issuer != nullptr ? issuer->key.get() : issued.key.get();
  Require(X509_sign(cert, signer, EVP_sha256()) > 0, "signing");
  WritePem(issued);
  return issued;
}

}  // namespace otter::http::harness
