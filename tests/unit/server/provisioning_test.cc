#include "server/provisioning.h"

#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "api/device_credentials.h"
#include "api/tokens.h"
#include "server_fixture.h"

namespace otter::server {
namespace {

using nlohmann::json;
using testing::Must;
using testing::MustOk;

class ProvisioningTest : public ServerModuleTest {
 protected:
  void SetUp() override {
    ServerModuleTest::SetUp();
    ca_.emplace(Must(x509::CertificateAuthority::Create("test CA", kTestNow)));
    provisioning_.emplace(*database_, *ca_, clock_, std::chrono::hours(24 * 365));
    gatekeeper_.emplace(*database_, clock_);
    InitialRoots roots{
        .image = [] { return Result<std::string>(R"({"signed":{"_type":"root"}})"); },
        .director = [] { return Result<std::string>(R"({"signed":{}})"); }};
    AddProvisioningRoutes(router_, *provisioning_, *gatekeeper_, roots, "https://gw:8443");
    fleet_ = Must(provisioning_->CreateFleetCredential("fleet", std::chrono::hours(24)));
    token_ = Must(api::TokenStore(*database_).Create("ops", kTestNow)).secret;
  }

  http::Request Post(std::string path, std::string body) {
    http::Request request;
    request.method = "POST";
    request.path = std::move(path);
    request.body = std::move(body);
    return request;
  }

  http::Request WithFleetCertificate(http::Request request) {
    request.client_certificate =
        http::ClientCertificate{.subject_cn = fleet_->common_name,
                                .serial_hex = fleet_->certificate.SerialHex(),
                                .issuer_cn = fleet_->certificate.IssuerCommonName(),
                                .not_after = fleet_->certificate.NotAfter(),
                                .pem = fleet_->certificate.ToPem()};
    return request;
  }

  std::optional<x509::CertificateAuthority> ca_;
  std::optional<Provisioning> provisioning_;
  std::optional<api::Gatekeeper> gatekeeper_;
  std::optional<IssuedCredential> fleet_;
  std::string token_;
  http::Router router_;
};

TEST_F(ProvisioningTest, FleetCertificateGetsADeviceCertificateAsPkcs12) {
  const http::Response response = Call(
      router_, WithFleetCertificate(Post("/devices", R"({"deviceId": "dev-1", "ttl": "36000"})")));
  ASSERT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(response.headers.at("content-type"), "application/x-pkcs12");
  const x509::Pkcs12Bundle bundle = Must(x509::FromPkcs12(response.body, ""));
  EXPECT_EQ(bundle.certificate.SubjectCommonName(), "dev-1");
  EXPECT_EQ(Must(bundle.certificate.role()), x509::Role::kDevice);
  MustOk(bundle.certificate.VerifySignedBy(ca_->certificate()));
  EXPECT_EQ(Must(api::DeviceCredentials(*database_).Find("dev-1")).certificate_serial,
            bundle.certificate.SerialHex());
}

TEST_F(ProvisioningTest, AgentMayAskForPem) {
  http::Request request = WithFleetCertificate(Post("/devices", R"({"deviceId": "dev-2"})"));
  request.headers["accept"] = "application/json";
  const http::Response response = Call(router_, request);
  ASSERT_EQ(response.status, 200u) << response.body;
  const json body = json::parse(response.body);
  const auto certificate =
      Must(x509::Certificate::FromPem(body.at("certificate").get<std::string>()));
  const PrivateKey key = Must(PrivateKey::FromPem(body.at("private_key").get<std::string>()));
  EXPECT_EQ(Must(certificate.public_key()).KeyId(), key.public_key().KeyId());
  EXPECT_EQ(body.at("ca").get<std::string>(), ca_->certificate().ToPem());
}

TEST_F(ProvisioningTest, TakenDeviceIdAnswers409AndKeepsTheFirstCertificate) {
  ASSERT_EQ(
      Call(router_, WithFleetCertificate(Post("/devices", R"({"deviceId": "dev-1"})"))).status,
      200u);
  const std::string serial =
      Must(api::DeviceCredentials(*database_).Find("dev-1")).certificate_serial;
  const http::Response again =
      Call(router_, WithFleetCertificate(Post("/devices", R"({"deviceId": "dev-1"})")));
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(json::parse(again.body).at("code"), "device_already_registered");
  EXPECT_EQ(Must(api::DeviceCredentials(*database_).Find("dev-1")).certificate_serial, serial);
}

TEST_F(ProvisioningTest, BadRequestsChangeNothing) {
  for (const char* body :
       {"", "{", "[]", R"({"deviceId": 7})", R"({"deviceId": "../x"})",
        R"({"deviceId": "ok", "ttl": "-1"})", R"({"deviceId": "ok", "ttl": "x"})"}) {
    const http::Response response = Call(router_, WithFleetCertificate(Post("/devices", body)));
    EXPECT_EQ(response.status, 400u) << body;
  }
  EXPECT_FALSE(api::DeviceCredentials(*database_).Find("ok").ok());
}

TEST_F(ProvisioningTest, OnlyTheFleetCertificateMayProvision) {
  EXPECT_EQ(Call(router_, Post("/devices", R"({"deviceId": "dev-1"})")).status, 401u);
  http::Request with_token = Post("/devices", R"({"deviceId": "dev-1"})");
  with_token.headers["authorization"] = "Bearer " + token_;
  EXPECT_EQ(Call(router_, with_token).status, 401u);
  EXPECT_FALSE(api::DeviceCredentials(*database_).Find("dev-1").ok());
}

TEST_F(ProvisioningTest, OperatorCreatesDeviceAndFleetBundles) {
  http::Request device = Post("/api/v1/devices", R"({"deviceId": "factory-7"})");
  device.headers["authorization"] = "Bearer " + token_;
  const http::Response created = Call(router_, device);
  ASSERT_EQ(created.status, 201u) << created.body;
  const json bundle = json::parse(created.body);
  EXPECT_EQ(bundle.at("gateway_url"), "https://gw:8443");
  EXPECT_EQ(bundle.at("image_root").at("signed").at("_type"), "root");
  EXPECT_TRUE(bundle.contains("director_root"));

  http::Request fleet = Post("/api/v1/fleet/credentials", R"({"name": "line-2", "days": 30})");
  fleet.headers["authorization"] = "Bearer " + token_;
  const http::Response fleet_bundle = Call(router_, fleet);
  ASSERT_EQ(fleet_bundle.status, 201u) << fleet_bundle.body;
  const auto certificate = Must(x509::Certificate::FromPem(
      json::parse(fleet_bundle.body).at("certificate").get<std::string>()));
  EXPECT_EQ(Must(certificate.role()), x509::Role::kProvisioning);

  http::Request no_token = Post("/api/v1/fleet/credentials", "{}");
  EXPECT_EQ(Call(router_, no_token).status, 401u);
}

}  // namespace
}  // namespace otter::server
