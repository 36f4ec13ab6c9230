#include "api/auth.h"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/answers.h"
#include "api/device_credentials.h"
#include "api/schema.h"
#include "api/tokens.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "support/must.h"
#include "x509/x509.h"

namespace otter::api {
namespace {

using std::chrono::hours;
using testing::Must;
using testing::MustOk;

const TimePoint kNow = ParseTime("2026-11-25T12:00:00Z").value();

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("otter-api-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    database_.emplace(
        Must(storage::Database::Open({.url = "sqlite://" + (folder_ / "db").string()})));
    Must(storage::Migrate(*database_, {{1, "api", Schema()}}));
    ca_.emplace(Must(x509::CertificateAuthority::Create("test CA", kNow)));
  }
  void TearDown() override {
    database_.reset();
    std::filesystem::remove_all(folder_);
  }

  http::ClientCertificate Issue(std::string_view cn, x509::Role role,
                                std::chrono::seconds lifetime = hours(24)) {
    const PrivateKey key = Must(x509::GenerateTlsKey());
    const x509::Certificate certificate = Must(ca_->IssueClientCertificate(
        cn, role, key.public_key(), x509::Validity::Starting(kNow, lifetime)));
    return {.subject_cn = std::string(cn),
            .serial_hex = certificate.SerialHex(),
            .issuer_cn = certificate.IssuerCommonName(),
            .not_after = certificate.NotAfter(),
            .pem = certificate.ToPem()};
  }

  static http::Request WithCertificate(http::ClientCertificate certificate) {
    http::Request request;
    request.client_certificate = std::move(certificate);
    return request;
  }

  std::filesystem::path folder_;
  std::optional<storage::Database> database_;
  std::optional<x509::CertificateAuthority> ca_;
  FixedClock clock_{kNow};
  Gatekeeper gatekeeper() { return Gatekeeper(*database_, clock_); }
};

TEST_F(AuthTest, RegisteredDeviceCertificateNamesTheDevice) {
  const auto certificate = Issue("dev-1", x509::Role::kDevice);
  MustOk(DeviceCredentials(*database_).Register("dev-1", certificate.serial_hex, kNow));
  EXPECT_EQ(Must(gatekeeper().Device(WithCertificate(certificate))), "dev-1");
}

TEST_F(AuthTest, DeviceWithoutCertificateIsUnauthenticated) {
  const auto device = gatekeeper().Device(http::Request{});
  ASSERT_FALSE(device.ok());
  EXPECT_EQ(StatusFor(device.error()), 401u);
}

TEST_F(AuthTest, UnregisteredDeviceIsUnauthenticated) {
  const auto device = gatekeeper().Device(WithCertificate(Issue("ghost", x509::Role::kDevice)));
  ASSERT_FALSE(device.ok());
  EXPECT_EQ(StatusFor(device.error()), 401u);
  EXPECT_NE(device.error().message().find("not registered"), std::string::npos);
}

TEST_F(AuthTest, ReplacedCertificateIsRefused) {
  const auto old_certificate = Issue("dev-1", x509::Role::kDevice);
  const auto new_certificate = Issue("dev-1", x509::Role::kDevice);
  DeviceCredentials credentials(*database_);
  MustOk(credentials.Register("dev-1", old_certificate.serial_hex, kNow));
  MustOk(credentials.ReplaceCertificate("dev-1", new_certificate.serial_hex));
  EXPECT_FALSE(gatekeeper().Device(WithCertificate(old_certificate)).ok());
  EXPECT_EQ(Must(gatekeeper().Device(WithCertificate(new_certificate))), "dev-1");
}

TEST_F(AuthTest, RevokedDeviceIsForbidden) {
  const auto certificate = Issue("dev-1", x509::Role::kDevice);
  DeviceCredentials credentials(*database_);
  MustOk(credentials.Register("dev-1", certificate.serial_hex, kNow));
  MustOk(credentials.Revoke("dev-1"));
  const auto device = gatekeeper().Device(WithCertificate(certificate));
  ASSERT_FALSE(device.ok());
  EXPECT_EQ(StatusFor(device.error()), 403u);
}

TEST_F(AuthTest, ExpiredCertificateIsUnauthenticated) {
  const auto certificate = Issue("dev-1", x509::Role::kDevice, hours(1));
  MustOk(DeviceCredentials(*database_).Register("dev-1", certificate.serial_hex, kNow));
  FixedClock later(kNow + hours(2));
  const auto device = Gatekeeper(*database_, later).Device(WithCertificate(certificate));
  ASSERT_FALSE(device.ok());
  EXPECT_EQ(StatusFor(device.error()), 401u);
}

TEST_F(AuthTest, ProvisioningCertificateIsNotADevice) {
  const auto certificate = Issue("fleet", x509::Role::kProvisioning);
  const auto device = gatekeeper().Device(WithCertificate(certificate));
  ASSERT_FALSE(device.ok());
  EXPECT_EQ(StatusFor(device.error()), 403u);
  MustOk(gatekeeper().Provisioning(WithCertificate(certificate)));
  EXPECT_FALSE(gatekeeper().Provisioning(WithCertificate(Issue("d", x509::Role::kDevice))).ok());
}

TEST_F(AuthTest, RegisteringATakenDeviceIdConflicts) {
  DeviceCredentials credentials(*database_);
  MustOk(credentials.Register("dev-1", "01", kNow));
  const Status again = credentials.Register("dev-1", "02", kNow);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(StatusFor(again.error()), 409u);
  EXPECT_EQ(Must(credentials.Find("dev-1")).certificate_serial, "01");
}

TEST_F(AuthTest, DeviceIdsAreValidated) {
  MustOk(ValidateDeviceId("rpi4-0011"));
  MustOk(ValidateDeviceId("a.b_c-D9"));
  EXPECT_FALSE(ValidateDeviceId("").ok());
  EXPECT_FALSE(ValidateDeviceId("../etc").ok());
  EXPECT_FALSE(ValidateDeviceId("-x").ok());
  EXPECT_FALSE(ValidateDeviceId("a/b").ok());
  EXPECT_FALSE(ValidateDeviceId(std::string(65, 'a')).ok());
  EXPECT_FALSE(DeviceCredentials(*database_).Register("a b", "01", kNow).ok());
}

http::Request WithBearer(std::string_view secret) {
  http::Request request;
  request.headers["authorization"] = "Bearer " + std::string(secret);
  return request;
}

TEST_F(AuthTest, OperatorTokensAreStoredHashedAndCanBeRevoked) {
  TokenStore tokens(*database_);
  const NewToken token = Must(tokens.Create("ci", kNow));
  EXPECT_EQ(token.secret.rfind("otter_", 0), 0u);
  EXPECT_EQ(Must(gatekeeper().Operator(WithBearer(token.secret))), "ci");

  const std::string stored =
      Must(database_->WithSession([](soci::session& sql) -> Result<std::string> {
        std::string digest;
        sql << "SELECT secret_sha256 FROM api_tokens", soci::into(digest);
        return digest;
      }));
  EXPECT_EQ(stored.find(token.secret), std::string::npos);

  MustOk(tokens.Revoke(token.info.id));
  const auto revoked = gatekeeper().Operator(WithBearer(token.secret));
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(StatusFor(revoked.error()), 401u);
  EXPECT_TRUE(Must(tokens.List()).front().revoked);
}

TEST_F(AuthTest, OperatorNeedsAKnownBearerToken) {
  EXPECT_FALSE(gatekeeper().Operator(http::Request{}).ok());
  EXPECT_FALSE(gatekeeper().Operator(WithBearer("otter_nope")).ok());
  http::Request basic;
  basic.headers["authorization"] = "Basic YWxhZGRpbjpvcGVuc2VzYW1l";
  EXPECT_FALSE(gatekeeper().Operator(basic).ok());
}

TEST_F(AuthTest, WrappersAnswerWithJsonErrors) {
  bool called = false;
  const Gatekeeper keeper = gatekeeper();
  const http::Handler handler = ForDevice(keeper, [&](const http::Request&, const std::string&) {
    called = true;
    return http::Response::Empty(204);
  });
  const http::Response response = handler(http::Request{});
  EXPECT_FALSE(called);
  EXPECT_EQ(response.status, 401u);
  EXPECT_EQ(nlohmann::json::parse(response.body).at("code"), "unauthenticated");

  const NewToken token = Must(TokenStore(*database_).Create("ops", kNow));
  const http::Handler either =
      ForDeviceOrOperator(keeper, [](const http::Request&) { return http::Response::Empty(204); });
  EXPECT_EQ(either(WithBearer(token.secret)).status, 204u);
  EXPECT_EQ(either(WithCertificate(Issue("ghost", x509::Role::kDevice))).status, 401u);
}

}  // namespace
}  // namespace otter::api
