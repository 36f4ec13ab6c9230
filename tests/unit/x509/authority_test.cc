#include <gtest/gtest.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <set>

#include "common/errors.h"
#include "common/file.h"
#include "x509/x509.h"
#include "x509_test_util.h"

namespace otter::x509 {
namespace {

namespace fs = std::filesystem;
using std::chrono::days;
using std::chrono::hours;

bool IsCritical(X509* x509, int nid) {
  const int index = X509_get_ext_by_NID(x509, nid, -1);
  return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(x509, index)) == 1;
}

unsigned Mode(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0);
  return info.st_mode & 0777;
}

TEST(CertificateAuthorityTest, CreatesSelfSignedCa) {
  const auto ca = Must(CertificateAuthority::Create("Fleet CA", TestNow()), "CA");
  const Certificate& cert = ca.certificate();
  EXPECT_EQ(cert.SubjectCommonName(), "Fleet CA");
  EXPECT_EQ(cert.IssuerCommonName(), "Fleet CA");
  EXPECT_TRUE(cert.IsCa());
  EXPECT_EQ(Must(cert.role(), "role"), Role::kCa);
  EXPECT_EQ(cert.NotBefore(), TestNow() - kClockSkewAllowance);
  EXPECT_EQ(cert.NotAfter(), TestNow() + kDefaultCaLifetime);
  EXPECT_GE(cert.NotAfter() - cert.NotBefore(), days(3652));
  EXPECT_TRUE(cert.VerifySignedBy(cert).ok());
  EXPECT_EQ(Must(cert.public_key(), "key").type(), KeyType::kEcdsaP256);
}

TEST(CertificateAuthorityTest, CaHasTheRequiredExtensions) {
  const RawX509 x509 = ToOpenSsl(TestCa().certificate());
  EXPECT_TRUE(IsCritical(x509.get(), NID_basic_constraints));
  EXPECT_NE(X509_get_extension_flags(x509.get()) & EXFLAG_CA, 0u);
  EXPECT_TRUE(IsCritical(x509.get(), NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(x509.get()),
            static_cast<std::uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  ASSERT_NE(X509_get0_subject_key_id(x509.get()), nullptr);
  EXPECT_EQ(
      ASN1_STRING_cmp(X509_get0_subject_key_id(x509.get()), X509_get0_authority_key_id(x509.get())),
      0);
  EXPECT_EQ(X509_get_version(x509.get()), X509_VERSION_3);
}

TEST(CertificateAuthorityTest, CreatesCaWithGivenKeyAndValidity) {
  const auto key = Must(PrivateKey::Generate(KeyType::kEd25519), "key");
  const Validity validity{TestNow(), TestNow() + days(30)};
  const auto ca = Must(CertificateAuthority::Create("Ed CA", key, validity), "CA");
  EXPECT_EQ(ca.certificate().NotBefore(), validity.not_before);
  EXPECT_EQ(ca.certificate().NotAfter(), validity.not_after);
  EXPECT_EQ(Must(ca.certificate().public_key(), "key"), key.public_key());
  const Certificate device = DeviceCertificate("device-ed", ca);
  EXPECT_TRUE(device.VerifySignedBy(ca.certificate()).ok());
}

TEST(CertificateAuthorityTest, RsaCaIssuesVerifiableCertificates) {
  const auto key = Must(PrivateKey::Generate(KeyType::kRsa), "key");
  const auto ca = Must(CertificateAuthority::Create("RSA CA", key, OneYear()), "CA");
  const Certificate device = DeviceCertificate("device-rsa", ca);
  EXPECT_TRUE(device.VerifySignedBy(ca.certificate()).ok());
}

TEST(CertificateAuthorityTest, RefusesEmptyValidity) {
  const auto ca = CertificateAuthority::Create("CA", TestKey(), {TestNow(), TestNow()});
  ASSERT_FALSE(ca.ok());
  EXPECT_TRUE(ca.error().Is(X509Errc::kInvalidArgument)) << ca.error().message();
}

TEST(CertificateAuthorityTest, SavesAndLoadsThroughPemFiles) {
  const TempDir dir;
  const auto& ca = TestCa();
  ASSERT_TRUE(ca.Save(dir / "ca.pem", dir / "ca.key").ok());
  EXPECT_EQ(Mode(dir / "ca.key"), 0600u);
  EXPECT_EQ(Mode(dir / "ca.pem"), 0644u);
  EXPECT_EQ(Must(ReadFile(dir / "ca.pem"), "read"), ca.certificate().ToPem());

  const auto loaded = CertificateAuthority::Load(dir / "ca.pem", dir / "ca.key");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->certificate(), ca.certificate());
  const Certificate device = DeviceCertificate("device-2", *loaded);
  EXPECT_TRUE(device.VerifySignedBy(ca.certificate()).ok());
}

TEST(CertificateAuthorityTest, LoadRefusesAnotherCasKey) {
  const TempDir dir;
  MustOk(TestCa().Save(dir / "ca.pem", dir / "ca.key"), "save");
  MustOk(TestCa("Other CA").Save(dir / "other.pem", dir / "other.key"), "save");
  const auto loaded = CertificateAuthority::Load(dir / "ca.pem", dir / "other.key");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(loaded.error().Is(X509Errc::kKeyMismatch)) << loaded.error().message();
  EXPECT_NE(loaded.error().message().find("ca.pem"), std::string::npos);
}

TEST(CertificateAuthorityTest, LoadRefusesALeafCertificate) {
  const auto loaded = CertificateAuthority::FromPem(DeviceCertificate().ToPem(), TestKey().ToPem());
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(loaded.error().Is(X509Errc::kNotCa)) << loaded.error().message();
}

TEST(CertificateAuthorityTest, LoadReportsAMissingFile) {
  const TempDir dir;
  const auto loaded = CertificateAuthority::Load(dir / "ca.pem", dir / "ca.key");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(loaded.error().Is(CommonErrc::kNotFound)) << loaded.error().message();
}

TEST(CertificateAuthorityTest, ServerCertificateHasSansAndServerAuth) {
  const std::vector<std::string> sans = {"otter.example.com", "localhost", "127.0.0.1", "::1",
                                         "*.devices.example.com"};
  const auto cert = TestCa().IssueServerCertificate("otter.example.com", sans,
                                                    TestKey(1).public_key(), OneYear());
  ASSERT_TRUE(cert.ok()) << cert.error().message();
  EXPECT_EQ(cert->SubjectAltNames(), sans);
  EXPECT_TRUE(cert->AllowsPurpose(Purpose::kServerAuth));
  EXPECT_FALSE(cert->AllowsPurpose(Purpose::kClientAuth));
  EXPECT_EQ(Must(cert->role(), "role"), Role::kServer);
  EXPECT_FALSE(cert->IsCa());
  EXPECT_EQ(cert->IssuerCommonName(), "Otter Test CA");
  EXPECT_EQ(Must(cert->public_key(), "key"), TestKey(1).public_key());
  EXPECT_TRUE(cert->VerifySignedBy(TestCa().certificate()).ok());
}

TEST(CertificateAuthorityTest, ServerCertificateRefusesBadSans) {
  for (const std::vector<std::string>& sans :
       std::vector<std::vector<std::string>>{{},
                                             {""},
                                             {"bad name"},
                                             {"a.com,IP:1.2.3.4"},
                                             {"-a.com"},
                                             {"a..com"},
                                             {std::string("127.0.0.1\0x", 11)},
                                             {"ok.com", "1.2.3.4/8"},
                                             {"10.0.0.256"}}) {
    const auto cert =
        TestCa().IssueServerCertificate("server", sans, TestKey().public_key(), OneYear());
    ASSERT_FALSE(cert.ok()) << ::testing::PrintToString(sans);
    EXPECT_TRUE(cert.error().Is(X509Errc::kInvalidArgument)) << cert.error().message();
  }
}

TEST(CertificateAuthorityTest, ClientCertificateCarriesCnRoleAndSerial) {
  for (const Role role : {Role::kDevice, Role::kProvisioning}) {
    const auto cert =
        TestCa().IssueClientCertificate("fleet-a", role, TestKey().public_key(), OneYear());
    ASSERT_TRUE(cert.ok()) << cert.error().message();
    EXPECT_EQ(cert->SubjectCommonName(), "fleet-a");
    EXPECT_EQ(Must(cert->role(), "role"), role);
    EXPECT_TRUE(cert->AllowsPurpose(Purpose::kClientAuth));
    EXPECT_FALSE(cert->AllowsPurpose(Purpose::kServerAuth));
    EXPECT_TRUE(cert->SubjectAltNames().empty());
    EXPECT_EQ(cert->NotBefore(), TestNow() - kClockSkewAllowance);
    EXPECT_EQ(cert->NotAfter(), TestNow() + days(365));
    const std::string serial = cert->SerialHex();
    EXPECT_EQ(serial.size(), 32u);
    EXPECT_GE(serial[0], '8');  // top bit set: 128 bits long and positive
  }
}

TEST(CertificateAuthorityTest, SubjectIsRoleOuThenCn) {
  const RawX509 x509 = ToOpenSsl(DeviceCertificate("device-7"));
  char line[256];
  X509_NAME_oneline(X509_get_subject_name(x509.get()), line, sizeof(line));
  EXPECT_STREQ(line, "/OU=device/CN=device-7");
}

TEST(CertificateAuthorityTest, SerialsDiffer) {
  std::set<std::string> serials;
  for (int i = 0; i < 20; ++i) serials.insert(DeviceCertificate().SerialHex());
  EXPECT_EQ(serials.size(), 20u);
}

TEST(CertificateAuthorityTest, ClientCertificateRefusesNonClientRoles) {
  for (const Role role : {Role::kServer, Role::kCa}) {
    const auto cert = TestCa().IssueClientCertificate("x", role, TestKey().public_key(), OneYear());
    ASSERT_FALSE(cert.ok());
    EXPECT_TRUE(cert.error().Is(X509Errc::kInvalidArgument)) << cert.error().message();
  }
}

TEST(CertificateAuthorityTest, ChecksCommonNames) {
  for (const std::string& bad : {std::string(), std::string(65, 'a'), std::string("dev\n1"),
                                 std::string("dev\0001", 5), std::string("\xff\xfe")}) {
    const auto cert =
        TestCa().IssueClientCertificate(bad, Role::kDevice, TestKey().public_key(), OneYear());
    ASSERT_FALSE(cert.ok()) << bad;
    EXPECT_TRUE(cert.error().Is(X509Errc::kInvalidArgument)) << cert.error().message();
  }
  std::string accented;
  for (int i = 0; i < 64; ++i) accented += "\xc3\xa9";  // 64 characters, 128 bytes
  for (const std::string& good :
       {std::string(64, 'a'), accented, std::string("Gerät 4 (Halle B)")}) {
    const auto cert =
        TestCa().IssueClientCertificate(good, Role::kDevice, TestKey().public_key(), OneYear());
    ASSERT_TRUE(cert.ok()) << cert.error().message();
    EXPECT_EQ(cert->SubjectCommonName(), good);
  }
}

TEST(CertificateAuthorityTest, CertificateOfAnotherCaFailsVerification) {
  const Certificate foreign = DeviceCertificate("device-1", TestCa("Other CA"));
  const Status status = foreign.VerifySignedBy(TestCa().certificate());
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(X509Errc::kWrongIssuer)) << status.error().message();
}

TEST(CertificateAuthorityTest, CaWithTheSameNameFailsVerification) {
  // Same subject, other key: only the key identifiers tell them apart.
  const auto twin = Must(CertificateAuthority::Create("Otter Test CA", TestNow()), "CA");
  const Status status = DeviceCertificate("d", twin).VerifySignedBy(TestCa().certificate());
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(X509Errc::kWrongIssuer)) << status.error().message();
}

TEST(CertificateAuthorityTest, TamperedCertificateFailsVerification) {
  // The CN is rewritten after signing.
  std::string der = DeviceCertificate("device-1").ToDer();
  const std::size_t at = der.find("device-1");
  ASSERT_NE(at, std::string::npos);
  der[at + 7] = 'x';
  const Certificate tampered = Must(Certificate::FromDer(der), "tampered");
  EXPECT_EQ(tampered.SubjectCommonName(), "device-x");
  const Status status = tampered.VerifySignedBy(TestCa().certificate());
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(X509Errc::kBadSignature)) << status.error().message();
}

TEST(CertificateAuthorityTest, LeafIsNoIssuer) {
  const Certificate leaf = DeviceCertificate();
  const Status status = DeviceCertificate().VerifySignedBy(leaf);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(X509Errc::kNotCa)) << status.error().message();
}

TEST(CertificateAuthorityTest, IsValidAtHonoursBothEnds) {
  const Validity ended{TestNow() - days(2), TestNow() - days(1)};
  const auto cert =
      TestCa().IssueClientCertificate("old", Role::kDevice, TestKey().public_key(), ended);
  ASSERT_TRUE(cert.ok()) << cert.error().message();
  EXPECT_FALSE(cert->IsValidAt(TestNow()));
  EXPECT_TRUE(cert->IsValidAt(TestNow() - hours(36)));
  EXPECT_TRUE(cert->IsValidAt(ended.not_before));
  EXPECT_TRUE(cert->IsValidAt(ended.not_after));
  EXPECT_FALSE(cert->IsValidAt(ended.not_before - std::chrono::seconds(1)));
  EXPECT_FALSE(cert->IsValidAt(ended.not_after + std::chrono::seconds(1)));
}

TEST(CertificateAuthorityTest, ValidityIsCutToTheCas) {
  const auto ca = Must(
      CertificateAuthority::Create("Short CA", TestKey(), Validity::Starting(TestNow(), days(30))),
      "CA");
  const Certificate cert = DeviceCertificate("d", ca);
  EXPECT_EQ(cert.NotAfter(), ca.certificate().NotAfter());
}

TEST(CertificateAuthorityTest, ExpiredCaIssuesNothing) {
  const auto ca = Must(
      CertificateAuthority::Create("Old CA", TestKey(), {TestNow() - days(9), TestNow() - days(2)}),
      "CA");
  const auto cert =
      ca.IssueClientCertificate("d", Role::kDevice, TestKey().public_key(), OneYear());
  ASSERT_FALSE(cert.ok());
  EXPECT_TRUE(cert.error().Is(X509Errc::kInvalidArgument)) << cert.error().message();
}

TEST(CertificateAuthorityTest, UsesCertificatesBeyond2049) {
  // GeneralizedTime from 2050 on.
  const Validity far{TestNow(), Must(ParseTime("2060-01-01T00:00:00Z"), "time")};
  const auto ca = Must(CertificateAuthority::Create("Long CA", TestKey(), far), "CA");
  EXPECT_EQ(ca.certificate().NotAfter(), far.not_after);
}

}  // namespace
}  // namespace otter::x509
