#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "x509/x509.h"
#include "x509_test_util.h"

namespace otter::x509 {
namespace {

std::string MemoryContents(BIO* bio) {
  char* text = nullptr;
  const long length = BIO_get_mem_data(bio, &text);
  return std::string(text, static_cast<std::size_t>(length));
}

// The DER of the first PEM block.
std::string DerOf(const std::string& pem) {
  BIO* in = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  EXPECT_EQ(PEM_read_bio(in, &name, &header, &data, &length), 1);
  std::string der(reinterpret_cast<char*>(data), static_cast<std::size_t>(length));
  BIO_free(in);
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  return der;
}

std::string CsrPem(const std::string& der) {
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio(out, "CERTIFICATE REQUEST", "", reinterpret_cast<const unsigned char*>(der.data()),
                static_cast<long>(der.size()));
  std::string pem = MemoryContents(out);
  BIO_free(out);
  return pem;
}

// The DER of a P-256 SubjectPublicKeyInfo: 91 bytes starting 30 59 30 13.
std::size_t FindP256KeyInfo(const std::string& der) {
  const std::size_t at = der.find(std::string("\x30\x59\x30\x13", 4));
  EXPECT_NE(at, std::string::npos);
  return at;
}

constexpr std::size_t kP256KeyInfoBytes = 91;

void ReplaceOnce(std::string& data, const std::string& from, const std::string& to) {
  const std::size_t at = data.find(from);
  ASSERT_NE(at, std::string::npos);
  data.replace(at, from.size(), to);
}

// A CSR that asks for a CA certificate, made with OpenSSL alone.
std::string CsrRequestingCa(const PrivateKey& key, const std::string& common_name) {
  const std::string key_pem = key.ToPem();
  BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  X509_REQ* request = X509_REQ_new();
  X509_NAME* name = X509_REQ_get_subject_name(request);
  X509_NAME_add_entry_by_NID(name, NID_organizationalUnitName, MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("ca"), -1, -1, 0);
  X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_REQ_set_pubkey(request, pkey);
  STACK_OF(X509_EXTENSION)* extensions = sk_X509_EXTENSION_new_null();
  sk_X509_EXTENSION_push(extensions, X509V3_EXT_nconf_nid(nullptr, nullptr, NID_basic_constraints,
                                                          "critical,CA:TRUE"));
  X509_REQ_add_extensions(request, extensions);
  sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
  X509_REQ_sign(request, pkey, EVP_sha256());
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_REQ(out, request);
  std::string pem = MemoryContents(out);
  BIO_free(out);
  X509_REQ_free(request);
  EVP_PKEY_free(pkey);
  return pem;
}

TEST(CsrTest, CreatesAndReadsBack) {
  const auto csr = Csr::Create(TestKey(2), "device-42");
  ASSERT_TRUE(csr.ok()) << csr.error().message();
  EXPECT_EQ(csr->pem().rfind("-----BEGIN CERTIFICATE REQUEST-----\n", 0), 0u);
  const auto read = Csr::FromPem(csr->pem());
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(read->common_name(), "device-42");
  EXPECT_EQ(read->public_key(), TestKey(2).public_key());
  EXPECT_EQ(read->pem(), csr->pem());
}

TEST(CsrTest, CaIssuesForTheCsrsKey) {
  const Csr csr = Must(Csr::Create(TestKey(2), "device-42"), "csr");
  const auto cert = TestCa().IssueFromCsr(csr.pem(), "device-42", Role::kDevice, OneYear());
  ASSERT_TRUE(cert.ok()) << cert.error().message();
  EXPECT_EQ(cert->SubjectCommonName(), "device-42");
  EXPECT_EQ(Must(cert->role(), "role"), Role::kDevice);
  EXPECT_EQ(Must(cert->public_key(), "key"), TestKey(2).public_key());
  EXPECT_TRUE(cert->AllowsPurpose(Purpose::kClientAuth));
  EXPECT_TRUE(cert->VerifySignedBy(TestCa().certificate()).ok());
}

TEST(CsrTest, Ed25519KeysWork) {
  const auto key = Must(PrivateKey::Generate(KeyType::kEd25519), "key");
  const Csr csr = Must(Csr::Create(key, "device-ed"), "csr");
  const auto cert = TestCa().IssueFromCsr(csr.pem(), "device-ed", Role::kDevice, OneYear());
  ASSERT_TRUE(cert.ok()) << cert.error().message();
  EXPECT_EQ(Must(cert->public_key(), "key"), key.public_key());
}

TEST(CsrTest, RefusesAnotherCommonName) {
  const Csr csr = Must(Csr::Create(TestKey(2), "device-42"), "csr");
  const auto cert = TestCa().IssueFromCsr(csr.pem(), "device-43", Role::kDevice, OneYear());
  ASSERT_FALSE(cert.ok());
  EXPECT_TRUE(cert.error().Is(X509Errc::kNameMismatch)) << cert.error().message();
  EXPECT_NE(cert.error().message().find("device-42"), std::string::npos);
}

TEST(CsrTest, RefusesATamperedSubject) {
  // The CN is rewritten to the expected one after signing.
  const Csr csr = Must(Csr::Create(TestKey(2), "device-42"), "csr");
  std::string der = DerOf(csr.pem());
  ReplaceOnce(der, "device-42", "device-43");
  const auto cert = TestCa().IssueFromCsr(CsrPem(der), "device-43", Role::kDevice, OneYear());
  ASSERT_FALSE(cert.ok());
  EXPECT_TRUE(cert.error().Is(X509Errc::kBadSignature)) << cert.error().message();
}

TEST(CsrTest, RefusesATamperedSignature) {
  const Csr csr = Must(Csr::Create(TestKey(2), "device-42"), "csr");
  std::string der = DerOf(csr.pem());
  der.back() = static_cast<char>(der.back() ^ 1);
  const auto read = Csr::FromPem(CsrPem(der));
  ASSERT_FALSE(read.ok());
  EXPECT_TRUE(read.error().Is(X509Errc::kBadSignature)) << read.error().message();
}

TEST(CsrTest, RefusesASwappedKey) {
  // Someone else's key in a CSR signed by the device's key.
  std::string der = DerOf(Must(Csr::Create(TestKey(2), "device-42"), "csr").pem());
  const std::string other = DerOf(Must(Csr::Create(TestKey(3), "device-42"), "csr").pem());
  der.replace(FindP256KeyInfo(der), kP256KeyInfoBytes,
              other.substr(FindP256KeyInfo(other), kP256KeyInfoBytes));
  const auto read = Csr::FromPem(CsrPem(der));
  ASSERT_FALSE(read.ok());
  EXPECT_TRUE(read.error().Is(X509Errc::kBadSignature)) << read.error().message();
}

TEST(CsrTest, IgnoresRequestedExtensionsAndSubject) {
  const std::string pem = CsrRequestingCa(TestKey(2), "device-42");
  const auto cert = TestCa().IssueFromCsr(pem, "device-42", Role::kDevice, OneYear());
  ASSERT_TRUE(cert.ok()) << cert.error().message();
  EXPECT_FALSE(cert->IsCa());
  EXPECT_EQ(Must(cert->role(), "role"), Role::kDevice);
}

TEST(CsrTest, RefusesMalformedInput) {
  for (const std::string& pem :
       {std::string(), std::string("garbage"), TestCa().certificate().ToPem()}) {
    const auto read = Csr::FromPem(pem);
    ASSERT_FALSE(read.ok());
    EXPECT_TRUE(read.error().Is(X509Errc::kMalformed)) << read.error().message();
  }
}

TEST(CsrTest, CreateChecksTheCommonName) {
  const auto csr = Csr::Create(TestKey(), "");
  ASSERT_FALSE(csr.ok());
  EXPECT_TRUE(csr.error().Is(X509Errc::kInvalidArgument));
}

}  // namespace
}  // namespace otter::x509
