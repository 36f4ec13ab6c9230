#include <gtest/gtest.h>
#include <openssl/pkcs12.h>

#include "common/errors.h"
#include "x509/x509.h"
#include "x509_test_util.h"

namespace otter::x509 {
namespace {

TEST(Pkcs12Test, RoundTripsWithAnEmptyPassword) {
  const Certificate device = DeviceCertificate();
  const auto p12 = ToPkcs12(device, TestKey(), {TestCa().certificate()});
  ASSERT_TRUE(p12.ok()) << p12.error().message();
  const auto bundle = FromPkcs12(*p12, "");
  ASSERT_TRUE(bundle.ok()) << bundle.error().message();
  EXPECT_EQ(bundle->certificate, device);
  EXPECT_EQ(bundle->key.ToPem(), TestKey().ToPem());
  ASSERT_EQ(bundle->ca_chain.size(), 1u);
  EXPECT_EQ(bundle->ca_chain[0], TestCa().certificate());
}

TEST(Pkcs12Test, KeepsTheChainOrder) {
  const std::vector<Certificate> chain = {TestCa().certificate(), TestCa("Other CA").certificate()};
  const auto bundle = FromPkcs12(Must(ToPkcs12(DeviceCertificate(), TestKey(), chain), "p12"));
  ASSERT_TRUE(bundle.ok()) << bundle.error().message();
  EXPECT_EQ(bundle->ca_chain, chain);
}

TEST(Pkcs12Test, WorksWithoutAChain) {
  const auto bundle = FromPkcs12(Must(ToPkcs12(DeviceCertificate(), TestKey(), {}), "p12"));
  ASSERT_TRUE(bundle.ok()) << bundle.error().message();
  EXPECT_TRUE(bundle->ca_chain.empty());
}

// What aktualizr does with the body of POST /devices.
TEST(Pkcs12Test, ReadableTheWayAktualizrReadsIt) {
  const std::string p12 =
      Must(ToPkcs12(DeviceCertificate(), TestKey(), {TestCa().certificate()}), "p12");
  const auto* next = reinterpret_cast<const unsigned char*>(p12.data());
  PKCS12* parsed = d2i_PKCS12(nullptr, &next, static_cast<long>(p12.size()));
  ASSERT_NE(parsed, nullptr);
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  EXPECT_EQ(PKCS12_parse(parsed, std::string().c_str(), &key, &cert, &ca), 1);
  EXPECT_NE(key, nullptr);
  EXPECT_NE(cert, nullptr);
  ASSERT_NE(ca, nullptr);
  EXPECT_EQ(sk_X509_num(ca), 1);
  sk_X509_pop_free(ca, X509_free);
  X509_free(cert);
  EVP_PKEY_free(key);
  PKCS12_free(parsed);
}

TEST(Pkcs12Test, PasswordMustMatch) {
  const std::string p12 =
      Must(ToPkcs12(DeviceCertificate(), TestKey(), {TestCa().certificate()}, "s3cret"), "p12");
  EXPECT_TRUE(FromPkcs12(p12, "s3cret").ok());
  for (const std::string_view wrong : {"", "S3cret", "s3cret "}) {
    const auto bundle = FromPkcs12(p12, wrong);
    ASSERT_FALSE(bundle.ok()) << wrong;
    EXPECT_TRUE(bundle.error().Is(X509Errc::kBadPassword)) << bundle.error().message();
  }
  const auto empty = FromPkcs12(Must(ToPkcs12(DeviceCertificate(), TestKey(), {}), "p12"), "x");
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(empty.error().Is(X509Errc::kBadPassword)) << empty.error().message();
}

TEST(Pkcs12Test, RefusesAKeyThatIsNotTheCertificates) {
  const auto p12 = ToPkcs12(DeviceCertificate(), TestKey(1), {});
  ASSERT_FALSE(p12.ok());
  EXPECT_TRUE(p12.error().Is(X509Errc::kKeyMismatch)) << p12.error().message();
}

TEST(Pkcs12Test, RefusesMalformedInput) {
  std::string p12 = Must(ToPkcs12(DeviceCertificate(), TestKey(), {}), "p12");
  for (const std::string& bad : {std::string(), std::string("garbage"), p12.substr(0, 100)}) {
    const auto bundle = FromPkcs12(bad);
    ASSERT_FALSE(bundle.ok());
    EXPECT_TRUE(bundle.error().Is(X509Errc::kMalformed)) << bundle.error().message();
  }
}

TEST(Pkcs12Test, RefusesANulInThePassword) {
  const auto p12 = ToPkcs12(DeviceCertificate(), TestKey(), {}, std::string_view("a\0b", 3));
  ASSERT_FALSE(p12.ok());
  EXPECT_TRUE(p12.error().Is(X509Errc::kInvalidArgument));
}

}  // namespace
}  // namespace otter::x509
