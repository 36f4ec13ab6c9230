// A device pulls with the `ostree` CLI over mutual TLS, with the client
// certificate the server issued and registered for it.
#include <gtest/gtest.h>

#include "api/device_credentials.h"
#include "support/must.h"
#include "unit/treehub/ostree_fixture.h"
#include "unit/treehub/treehub_server.h"
#include "x509/x509.h"

namespace otter::treehub {
namespace {

using otter::testing::Must;
using otter::testing::MustOk;
using testing::MustRun;
using testing::Quote;
using testing::ReadText;
using testing::RunCommand;
using testing::SourceRepo;
using testing::TempFolder;
using testing::TreehubServer;
using testing::WriteText;

class TreehubTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto validity = x509::Validity::Starting(now_, std::chrono::hours(24));
    const PrivateKey server_key = Must(x509::GenerateTlsKey());
    const PrivateKey device_key = Must(x509::GenerateTlsKey());
    const x509::Certificate server_cert = Must(ca_.IssueServerCertificate(
        "otter-server", {"127.0.0.1"}, server_key.public_key(), validity));
    device_cert_ = Must(ca_.IssueClientCertificate("dev-1", x509::Role::kDevice,
                                                   device_key.public_key(), validity));
    WriteText(Pki("ca.crt"), ca_.certificate().ToPem());
    WriteText(Pki("server.crt"), server_cert.ToPem());
    WriteText(Pki("server.key"), server_key.ToPem());
    WriteText(Pki("device.crt"), device_cert_->ToPem());
    WriteText(Pki("device.key"), device_key.ToPem());
    server_.emplace(folder_.path() / "server", TreehubOptions{},
                    http::TlsConfig{.cert_file = Pki("server.crt"),
                                    .key_file = Pki("server.key"),
                                    .ca_file = Pki("ca.crt"),
                                    .client_certs = http::ClientCertMode::kOptional});
  }

  std::filesystem::path Pki(const std::string& name) const { return folder_.path() / name; }

  // A repository with a remote "otter" for the server's /treehub.
  std::string PullingRepo(const std::string& name, bool with_certificate) {
    const std::string repo = Quote(folder_.path() / name);
    MustRun("ostree init --mode=archive --repo=" + repo);
    std::string options = "--no-gpg-verify --set=tls-ca-path=" + Quote(Pki("ca.crt"));
    if (with_certificate) {
      options += " --set=tls-client-cert-path=" + Quote(Pki("device.crt")) +
                 " --set=tls-client-key-path=" + Quote(Pki("device.key"));
    }
    MustRun("ostree remote add --repo=" + repo + " " + options + " otter " +
            server_->Url("/treehub"));
    return repo;
  }

  TempFolder folder_;
  TimePoint now_ = SystemClock().Now();
  x509::CertificateAuthority ca_ = Must(x509::CertificateAuthority::Create("otter test CA", now_));
  std::optional<x509::Certificate> device_cert_;
  std::optional<TreehubServer> server_;
};

TEST_F(TreehubTlsTest, ARegisteredDevicePullsOverMutualTls) {
  SourceRepo source(folder_.path() / "source", "archive");
  const std::string commit = source.Commit("os/main", "one");
  for (const std::string& name : source.ObjectNames()) {
    Must(server_->hub().WriteObject(name, ReadText(source.ObjectPath(name))), name);
  }
  Must(server_->hub().SetRef("os/main", commit, false), "setting the ref");
  MustOk(api::DeviceCredentials(server_->database())
             .Register("dev-1", device_cert_->SerialHex(), now_),
         "registering the device");

  const std::string device = PullingRepo("device", true);
  MustRun("ostree pull --repo=" + device + " otter os/main");
  EXPECT_EQ(MustRun("ostree rev-parse --repo=" + device + " otter:os/main"), commit);
  MustRun("ostree fsck --repo=" + device);

  const std::string anonymous = PullingRepo("anonymous", false);
  EXPECT_NE(RunCommand("ostree pull --repo=" + anonymous + " otter os/main").status, 0);
}

TEST_F(TreehubTlsTest, AnUnregisteredDeviceCannotPull) {
  const std::string device = PullingRepo("device", true);
  const auto pulled = RunCommand("ostree pull --repo=" + device + " otter " + std::string(64, 'a'));
  EXPECT_NE(pulled.status, 0);
  EXPECT_NE(pulled.output.find("401"), std::string::npos) << pulled.output;
}

}  // namespace
}  // namespace otter::treehub
