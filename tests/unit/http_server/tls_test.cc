// TLS listeners and client certificates (mTLS).
#include <gtest/gtest.h>

#include <mutex>

#include "common/http_client.h"
#include "http_server/http_server.h"
#include "unit/http_server/server_harness.h"
#include "unit/http_server/test_pki.h"

namespace otter::http {
namespace {

using namespace harness;  // NOLINT: test helpers

constexpr long kDeviceSerial = 0x1234abcd;

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto& dir = dir_->path();
    ca_ = new Issued(Issue({.common_name = "Otter Test CA", .ca = true}, nullptr, dir));
    other_ca_ = new Issued(Issue({.common_name = "Other CA", .ca = true}, nullptr, dir));
    server_cert_ = new Issued(Issue({.common_name = "localhost", .server = true}, ca_, dir));
    device_ = new Issued(Issue({.common_name = "device-1", .serial = kDeviceSerial}, ca_, dir));
    rogue_ = new Issued(Issue({.common_name = "rogue", .serial = 7}, other_ca_, dir));
    expired_ = new Issued(Issue({.common_name = "expired",
                                 .serial = 8,
                                 .not_before = std::chrono::hours(-48),
                                 .not_after = std::chrono::hours(-24)},
                                ca_, dir));
  }
  static void TearDownTestSuite() {
    for (Issued* issued : {ca_, other_ca_, server_cert_, device_, rogue_, expired_}) delete issued;
    delete dir_;
  }

  void Start(ClientCertMode mode) {
    Router router;
    router.Add("GET", "/whoami", [this](const Request& request) {
      std::lock_guard lock(mutex_);
      seen_ = request.client_certificate;
      return Response::Text(200, seen_ ? seen_->subject_cn : "anonymous");
    });
    ServerOptions options = FastOptions();
    options.listeners[0].tls = TlsConfig{.cert_file = server_cert_->cert_file,
                                         .key_file = server_cert_->key_file,
                                         .ca_file = ca_->cert_file,
                                         .client_certs = mode};
    server_ = MustStart(std::move(router), options);
  }

  // GET /whoami with the client certificate of `client`, if any.
  Result<HttpResponse> WhoAmI(const Issued* client) {
    HttpClientOptions options;
    options.tls.ca_file = ca_->cert_file.string();
    if (client != nullptr) {
      options.tls.cert_file = client->cert_file.string();
      options.tls.key_file = client->key_file.string();
    }
    return HttpClient(options).Get(Url(*server_, "/whoami", "https"), 4096);
  }

  std::optional<ClientCertificate> Seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

  static TempDir* dir_;
  static Issued* ca_;
  static Issued* other_ca_;
  static Issued* server_cert_;
  static Issued* device_;
  static Issued* rogue_;
  static Issued* expired_;

  std::unique_ptr<HttpServer> server_;
  std::mutex mutex_;
  std::optional<ClientCertificate> seen_;
};

TempDir* TlsTest::dir_ = nullptr;
Issued* TlsTest::ca_ = nullptr;
Issued* TlsTest::other_ca_ = nullptr;
Issued* TlsTest::server_cert_ = nullptr;
Issued* TlsTest::device_ = nullptr;
Issued* TlsTest::rogue_ = nullptr;
Issued* TlsTest::expired_ = nullptr;

TEST_F(TlsTest, RequiredAcceptsAValidCertificateAndShowsIt) {
  Start(ClientCertMode::kRequired);
  auto response = WhoAmI(device_);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->body, "device-1");
  const auto seen = Seen();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->subject_cn, "device-1");
  EXPECT_EQ(seen->serial_hex, "1234abcd");
  EXPECT_EQ(seen->issuer_cn, "Otter Test CA");
  const auto now = std::chrono::system_clock::now();
  EXPECT_GT(seen->not_after, now + std::chrono::hours(23));
  EXPECT_LT(seen->not_after, now + std::chrono::hours(25));
  EXPECT_TRUE(seen->pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
}

TEST_F(TlsTest, RequiredRefusesAConnectionWithoutACertificate) {
  Start(ClientCertMode::kRequired);
  EXPECT_FALSE(WhoAmI(nullptr).ok());
}

TEST_F(TlsTest, RequiredRefusesACertificateFromAnotherCa) {
  Start(ClientCertMode::kRequired);
  EXPECT_FALSE(WhoAmI(rogue_).ok());
}

TEST_F(TlsTest, RequiredRefusesAnExpiredCertificate) {
  Start(ClientCertMode::kRequired);
  EXPECT_FALSE(WhoAmI(expired_).ok());
  EXPECT_FALSE(Seen().has_value());
}

TEST_F(TlsTest, OptionalServesClientsWithAndWithoutCertificates) {
  Start(ClientCertMode::kOptional);
  auto anonymous = WhoAmI(nullptr);
  ASSERT_TRUE(anonymous.ok()) << anonymous.error().message();
  EXPECT_EQ(anonymous->body, "anonymous");
  auto device = WhoAmI(device_);
  ASSERT_TRUE(device.ok()) << device.error().message();
  EXPECT_EQ(device->body, "device-1");
}

TEST_F(TlsTest, OptionalStillRefusesCertificatesThatDoNotVerify) {
  Start(ClientCertMode::kOptional);
  EXPECT_FALSE(WhoAmI(rogue_).ok());
  EXPECT_FALSE(WhoAmI(expired_).ok());
}

TEST_F(TlsTest, WithoutClientCertificatesNoneIsSeen) {
  Start(ClientCertMode::kNone);
  auto response = WhoAmI(device_);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->body, "anonymous");
}

TEST_F(TlsTest, KeepAliveOverTls) {
  Start(ClientCertMode::kRequired);
  HttpClientOptions options;
  options.tls = {.ca_file = ca_->cert_file.string(),
                 .cert_file = device_->cert_file.string(),
                 .key_file = device_->key_file.string()};
  HttpClient client(options);
  for (int i = 0; i < 3; ++i) {
    auto response = client.Get(Url(*server_, "/whoami", "https"), 4096);
    ASSERT_TRUE(response.ok()) << response.error().message();
  }
  EXPECT_EQ(server_->connections_accepted(), 1U);
}

TEST_F(TlsTest, PlainHttpOnATlsListenerFails) {
  Start(ClientCertMode::kNone);
  EXPECT_FALSE(HttpClient().Get(Url(*server_, "/whoami"), 4096).ok());
}

TEST_F(TlsTest, StartFailsOnUnreadableOrMismatchedFiles) {
  ServerOptions options = FastOptions();
  options.listeners[0].tls = TlsConfig{.cert_file = dir_->path() / "missing.crt",
                                       .key_file = server_cert_->key_file,
                                       .ca_file = ca_->cert_file,
                                       .client_certs = ClientCertMode::kRequired};
  EXPECT_FALSE(HttpServer::Start(options, Router()).ok());
  options.listeners[0].tls->cert_file = server_cert_->cert_file;
  options.listeners[0].tls->key_file = device_->key_file;
  auto mismatched = HttpServer::Start(options, Router());
  ASSERT_FALSE(mismatched.ok());
  EXPECT_NE(mismatched.error().message().find("device-1.key"), std::string::npos)
      << mismatched.error().message();
  options.listeners[0].tls->key_file = server_cert_->key_file;
  options.listeners[0].tls->ca_file.clear();
  EXPECT_FALSE(HttpServer::Start(options, Router()).ok());
}

}  // namespace
}  // namespace otter::http
