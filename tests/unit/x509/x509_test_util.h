// Shared by the x509 tests: a fixed "now", CAs made once per binary, a
// temporary folder, and raw OpenSSL access for what the API does not show.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/time.h"
#include "support/must.h"
#include "x509/x509.h"

namespace otter::x509 {

using otter::testing::Must;
using otter::testing::MustOk;

inline TimePoint TestNow() { return Must(ParseTime("2025-06-01T12:00:00Z"), "parsing test time"); }

inline Validity OneYear() { return Validity::Starting(TestNow(), std::chrono::days(365)); }

// A CA per common name, created once: its key and certificate stay the same
// across the tests of one binary.
inline const CertificateAuthority& TestCa(const std::string& name = "Otter Test CA") {
  static std::map<std::string, CertificateAuthority> authorities;
  auto it = authorities.find(name);
  if (it == authorities.end()) {
    it = authorities.emplace(name, Must(CertificateAuthority::Create(name, TestNow()), "CA")).first;
  }
  return it->second;
}

// A P-256 key, generated once per index.
inline const PrivateKey& TestKey(int index = 0) {
  static std::map<int, PrivateKey> keys;
  auto it = keys.find(index);
  if (it == keys.end()) it = keys.emplace(index, Must(GenerateTlsKey(), "key")).first;
  return it->second;
}

inline Certificate DeviceCertificate(const std::string& device_id = "device-1",
                                     const CertificateAuthority& ca = TestCa()) {
  return Must(
      ca.IssueClientCertificate(device_id, Role::kDevice, TestKey().public_key(), OneYear()),
      "issuing device certificate");
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::path(::testing::TempDir()) / "x509_test.XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct OpenSslFree {
  void operator()(X509* x509) const { X509_free(x509); }
  void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(X509_NAME* name) const { X509_NAME_free(name); }
};
using RawX509 = std::unique_ptr<X509, OpenSslFree>;

// The certificate as an OpenSSL object, parsed afresh from its DER.
inline RawX509 ToOpenSsl(const Certificate& certificate) {
  const std::string der = certificate.ToDer();
  const auto* next = reinterpret_cast<const unsigned char*>(der.data());
  RawX509 x509(d2i_X509(nullptr, &next, static_cast<long>(der.size())));
  if (x509 == nullptr) throw std::runtime_error("d2i_X509 failed");
  return x509;
}

inline Certificate FromOpenSsl(X509* x509) {
  const int length = i2d_X509(x509, nullptr);
  std::string der(static_cast<std::size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_X509(x509, &out);
  return Must(Certificate::FromDer(der), "reading raw certificate");
}

// (nid, text) pairs: subject entries or extensions in openssl.cnf syntax.
using Fields = std::vector<std::pair<int, std::string>>;

// A self-signed certificate built with OpenSSL alone, for the shapes our CA
// never issues.
inline Certificate RawSelfSigned(const Fields& subject, const Fields& extensions) {
  std::unique_ptr<EVP_PKEY, OpenSslFree> pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  RawX509 x509(X509_new());
  X509_set_version(x509.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x509.get()), 7);
  X509_NAME* name = X509_get_subject_name(x509.get());
  for (const auto& [nid, text] : subject) {
    X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(text.data()),
                               static_cast<int>(text.size()), -1, 0);
  }
  X509_set_issuer_name(x509.get(), name);
  const auto now = static_cast<std::time_t>(TestNow().time_since_epoch().count());
  ASN1_TIME_set(X509_getm_notBefore(x509.get()), now);
  ASN1_TIME_set(X509_getm_notAfter(x509.get()), now + 86400);
  X509_set_pubkey(x509.get(), pkey.get());
  X509V3_CTX context{};
  X509V3_set_ctx(&context, x509.get(), x509.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) {
    std::unique_ptr<X509_EXTENSION, OpenSslFree> extension(
        X509V3_EXT_nconf_nid(nullptr, &context, nid, value.c_str()));
    if (extension == nullptr) throw std::runtime_error("bad extension " + value);
    X509_add_ext(x509.get(), extension.get(), -1);
  }
  if (X509_sign(x509.get(), pkey.get(), EVP_sha256()) <= 0) throw std::runtime_error("sign");
  return FromOpenSsl(x509.get());
}

}  // namespace otter::x509
