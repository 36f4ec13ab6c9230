#include "server/credentials.h"

#include <sys/stat.h>

#include "common/file.h"
#include "server_fixture.h"

namespace otter::server {
namespace {

using testing::Must;
using testing::MustOk;
namespace fs = std::filesystem;

class CredentialsTest : public ServerModuleTest {
 protected:
  void SetUp() override {
    ServerModuleTest::SetUp();
    for (const char* dir : {"ca", "tls", "keys"}) fs::create_directories(folder_ / dir);
    paths_ = CredentialPaths::Under(folder_);
  }
  CredentialPaths paths_;
};

TEST_F(CredentialsTest, CaIsCreatedOnceAndReloaded) {
  const auto first = Must(LoadOrCreateCa(paths_, kTestNow));
  const auto second = Must(LoadOrCreateCa(paths_, kTestNow));
  EXPECT_EQ(first.certificate(), second.certificate());
  EXPECT_EQ(fs::status(paths_.ca_key).permissions() & fs::perms::group_all, fs::perms::none);
}

TEST_F(CredentialsTest, ServerCertificateNamesTheHostsAndIsRenewedWhenTheyChange) {
  const auto ca = Must(LoadOrCreateCa(paths_, kTestNow));
  MustOk(EnsureServerCertificate(ca, paths_, {"localhost", "127.0.0.1"}, kTestNow));
  const std::string first = Must(ReadFile(paths_.tls_certificate, 1 << 20));
  MustOk(EnsureServerCertificate(ca, paths_, {"localhost", "127.0.0.1"}, kTestNow));
  EXPECT_EQ(Must(ReadFile(paths_.tls_certificate, 1 << 20)), first);

  MustOk(EnsureServerCertificate(ca, paths_, {"ota.example.com"}, kTestNow));
  const auto renewed =
      Must(x509::Certificate::FromPem(Must(ReadFile(paths_.tls_certificate, 1 << 20))));
  EXPECT_EQ(renewed.SubjectAltNames(), std::vector<std::string>{"ota.example.com"});
  MustOk(renewed.VerifySignedBy(ca.certificate()));
}

TEST_F(CredentialsTest, ServerCertificateIsRenewedBeforeItExpires) {
  const auto ca = Must(LoadOrCreateCa(paths_, kTestNow));
  MustOk(EnsureServerCertificate(ca, paths_, {"localhost"}, kTestNow));
  const std::string first = Must(ReadFile(paths_.tls_certificate, 1 << 20));
  MustOk(EnsureServerCertificate(ca, paths_, {"localhost"}, kTestNow + std::chrono::days(380)));
  EXPECT_NE(Must(ReadFile(paths_.tls_certificate, 1 << 20)), first);
}

TEST_F(CredentialsTest, OnlineKeysAreSharedThroughTheDatabase) {
  const PrivateKey first = Must(LoadOrCreateOnlineKey(*database_, "image.snapshot", kTestNow));
  const PrivateKey again = Must(LoadOrCreateOnlineKey(*database_, "image.snapshot", kTestNow));
  const PrivateKey other = Must(LoadOrCreateOnlineKey(*database_, "image.timestamp", kTestNow));
  EXPECT_EQ(first.KeyId(), again.KeyId());
  EXPECT_NE(first.KeyId(), other.KeyId());
}

TEST_F(CredentialsTest, KeyFilesAreOwnerOnly) {
  const PrivateKey key = Must(LoadOrCreateKeyFile(paths_.image_root_key));
  EXPECT_EQ(Must(LoadOrCreateKeyFile(paths_.image_root_key)).KeyId(), key.KeyId());
  EXPECT_EQ(fs::status(paths_.image_root_key).permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(CredentialsTest, FirstTokenIsWrittenOnlyOnce) {
  const auto written = Must(EnsureFirstToken(*database_, paths_.admin_token, kTestNow));
  ASSERT_TRUE(written.has_value());
  const std::string secret = Must(ReadFile(paths_.admin_token, 1024));
  EXPECT_EQ(secret.rfind("otter_", 0), 0u);
  EXPECT_FALSE(Must(EnsureFirstToken(*database_, paths_.admin_token, kTestNow)).has_value());
  EXPECT_EQ(Must(ReadFile(paths_.admin_token, 1024)), secret);
}

}  // namespace
}  // namespace otter::server
