#include <gtest/gtest.h>
#include <openssl/obj_mac.h>

#include "common/errors.h"
#include "common/hash.h"
#include "x509/x509.h"
#include "x509_test_util.h"

namespace otter::x509 {
namespace {

std::string Sha256Hex(std::string_view data) {
  Hasher hasher(HashAlgorithm::kSha256);
  hasher.Update(data);
  return hasher.FinishHex();
}

void ExpectMalformed(const Result<Certificate>& result) {
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().Is(X509Errc::kMalformed)) << result.error().message();
}

TEST(RoleTest, NamesRoundTrip) {
  for (const Role role : {Role::kCa, Role::kServer, Role::kProvisioning, Role::kDevice}) {
    EXPECT_EQ(Must(ParseRole(RoleName(role)), "role"), role);
  }
  EXPECT_EQ(RoleName(Role::kProvisioning), "provisioning");
  const auto unknown = ParseRole("Device");
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(unknown.error().Is(X509Errc::kNoRole));
}

TEST(ValidityTest, StartsBeforeNow) {
  const Validity validity = Validity::Starting(TestNow(), std::chrono::hours(1));
  EXPECT_EQ(validity.not_before, TestNow() - std::chrono::minutes(5));
  EXPECT_EQ(validity.not_after, TestNow() + std::chrono::hours(1));
}

TEST(CertificateTest, PemAndDerRoundTrip) {
  const Certificate cert = DeviceCertificate();
  const std::string pem = cert.ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
  const auto from_pem = Certificate::FromPem(pem);
  ASSERT_TRUE(from_pem.ok()) << from_pem.error().message();
  EXPECT_EQ(*from_pem, cert);
  EXPECT_EQ(from_pem->ToPem(), pem);
  const auto from_der = Certificate::FromDer(cert.ToDer());
  ASSERT_TRUE(from_der.ok()) << from_der.error().message();
  EXPECT_EQ(*from_der, cert);
  EXPECT_FALSE(cert == TestCa().certificate());
}

TEST(CertificateTest, ReadsAChainInOrder) {
  const Certificate leaf = DeviceCertificate();
  const std::string pem = ChainToPem({leaf, TestCa().certificate()});
  const auto chain = Certificate::ChainFromPem(pem);
  ASSERT_TRUE(chain.ok()) << chain.error().message();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0], leaf);
  EXPECT_EQ((*chain)[1], TestCa().certificate());
  EXPECT_EQ(Must(Certificate::FromPem(pem), "first"), leaf);
}

TEST(CertificateTest, SkipsOtherPemBlocksAndText) {
  const std::string pem =
      "subject=CN = device-1\n" + TestKey().ToPem() + DeviceCertificate().ToPem();
  const auto chain = Certificate::ChainFromPem(pem);
  ASSERT_TRUE(chain.ok()) << chain.error().message();
  EXPECT_EQ(chain->size(), 1u);
}

TEST(CertificateTest, RefusesWhatIsNoCertificate) {
  ExpectMalformed(Certificate::FromPem(""));
  ExpectMalformed(Certificate::FromPem("hello"));
  ExpectMalformed(Certificate::FromPem(TestKey().ToPem()));
  std::string pem = DeviceCertificate().ToPem();
  pem[100] = '*';
  ExpectMalformed(Certificate::FromPem(pem));
  ExpectMalformed(Certificate::FromDer(""));
  ExpectMalformed(Certificate::FromDer("\x30\x03\x02\x01\x01"));
}

TEST(CertificateTest, RefusesABrokenCertificateInAChain) {
  std::string second = TestCa().certificate().ToPem();
  second.erase(200, 64);
  const auto chain = Certificate::ChainFromPem(DeviceCertificate().ToPem() + second);
  ASSERT_FALSE(chain.ok());
  EXPECT_TRUE(chain.error().Is(X509Errc::kMalformed));
  EXPECT_NE(chain.error().message().find("certificate 2"), std::string::npos)
      << chain.error().message();
}

TEST(CertificateTest, RefusesTrailingDer) {
  ExpectMalformed(Certificate::FromDer(DeviceCertificate().ToDer() + "x"));
}

TEST(CertificateTest, RefusesHugeInput) {
  const auto cert = Certificate::FromPem(std::string(2 * 1024 * 1024, 'A'));
  ASSERT_FALSE(cert.ok());
  EXPECT_TRUE(cert.error().Is(CommonErrc::kTooLarge));
}

TEST(CertificateTest, FingerprintIsSha256OfDer) {
  const Certificate cert = DeviceCertificate();
  EXPECT_EQ(cert.Sha256Fingerprint(), Sha256Hex(cert.ToDer()));
}

TEST(CertificateTest, SerialHexMatchesOpenSsl) {
  const Certificate cert = DeviceCertificate();
  const RawX509 x509 = ToOpenSsl(cert);
  BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509.get()), nullptr);
  char* hex = BN_bn2hex(serial);
  std::string expected(hex);
  OPENSSL_free(hex);
  BN_free(serial);
  for (char& c : expected) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(cert.SerialHex(), expected);
}

TEST(CertificateTest, RoleFallsBackToExtensions) {
  const Certificate ca =
      RawSelfSigned({{NID_commonName, "Root"}}, {{NID_basic_constraints, "critical,CA:TRUE"}});
  EXPECT_EQ(Must(ca.role(), "role"), Role::kCa);
  const Certificate server =
      RawSelfSigned({{NID_organizationalUnitName, "Ops"}, {NID_commonName, "www"}},
                    {{NID_ext_key_usage, "serverAuth"}});
  EXPECT_EQ(Must(server.role(), "role"), Role::kServer);
  const Certificate both =
      RawSelfSigned({{NID_commonName, "x"}}, {{NID_ext_key_usage, "serverAuth,clientAuth"}});
  const auto none = both.role();
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.error().Is(X509Errc::kNoRole)) << none.error().message();
}

TEST(CertificateTest, RoleIsTheFirstOuNamingOne) {
  const Certificate cert = RawSelfSigned({{NID_organizationalUnitName, "Plant 4"},
                                          {NID_organizationalUnitName, "provisioning"},
                                          {NID_organizationalUnitName, "device"},
                                          {NID_commonName, "x"}},
                                         {});
  EXPECT_EQ(Must(cert.role(), "role"), Role::kProvisioning);
}

TEST(CertificateTest, CommonNameMustBeUnique) {
  const Certificate cert =
      RawSelfSigned({{NID_commonName, "device-1"}, {NID_commonName, "device-2"}}, {});
  EXPECT_EQ(cert.SubjectCommonName(), "");
  EXPECT_EQ(RawSelfSigned({{NID_organizationName, "Otter"}}, {}).SubjectCommonName(), "");
}

TEST(CertificateTest, SubjectAltNamesListsOnlyDnsNamesAndAddresses) {
  const Certificate cert = RawSelfSigned(
      {{NID_commonName, "x"}},
      {{NID_subject_alt_name,
        "email:a@example.com, DNS:a.example.com, URI:https://example.com/, IP:10.0.0.1, "
        "RID:1.2.3.4, otherName:1.2.3.4;UTF8:hello, IP:fe80::1"}});
  EXPECT_EQ(cert.SubjectAltNames(),
            (std::vector<std::string>{"a.example.com", "10.0.0.1", "fe80::1"}));
}

TEST(CertificateTest, CertificateWithoutExtendedKeyUsageAllowsBothPurposes) {
  const Certificate cert = RawSelfSigned({{NID_commonName, "plain"}}, {});
  EXPECT_TRUE(cert.AllowsPurpose(Purpose::kServerAuth));
  EXPECT_TRUE(cert.AllowsPurpose(Purpose::kClientAuth));
}

TEST(CertificateTest, PublicKeyOfAnUnsupportedAlgorithmIsAnError) {
  // A P-384 key: valid X.509, but not a key type Otter uses.
  std::unique_ptr<EVP_PKEY, OpenSslFree> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  RawX509 x509 = ToOpenSsl(RawSelfSigned({{NID_commonName, "p384"}}, {}));
  X509_set_pubkey(x509.get(), key.get());
  X509_sign(x509.get(), key.get(), EVP_sha384());
  const auto public_key = FromOpenSsl(x509.get()).public_key();
  ASSERT_FALSE(public_key.ok());
  EXPECT_TRUE(public_key.error().Is(X509Errc::kUnsupportedKey)) << public_key.error().message();
}

}  // namespace
}  // namespace otter::x509
