// Interoperability with the `openssl` command-line tool: what we issue, it
// accepts; what it makes, we read. Skipped when `openssl` is not installed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>

#include "common/file.h"
#include "x509/x509.h"
#include "x509_test_util.h"

extern char** environ;

namespace otter::x509 {
namespace {

using std::chrono::days;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

bool OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "/usr/bin:/bin";
  while (!rest.empty()) {
    const std::size_t colon = rest.find(':');
    const std::filesystem::path candidate = std::filesystem::path(rest.substr(0, colon)) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return false;
}

std::string ReadAll(int fd) {
  std::string output;
  char buffer[4096];
  ssize_t got = 0;
  while ((got = ::read(fd, buffer, sizeof(buffer))) > 0) {
    output.append(buffer, static_cast<std::size_t>(got));
  }
  return output;
}

// Runs `args` (no shell) with stdin from /dev/null.
CommandResult RunCommand(const std::vector<std::string>& args) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  CommandResult run;
  run.output = ReadAll(pipe_fds[0]);
  ::close(pipe_fds[0]);
  if (spawned != 0) return run;
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

class OpenSslCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnPath("openssl")) GTEST_SKIP() << "the openssl command is not installed";
    Write("ca.pem", ca_.certificate().ToPem());
  }

  std::string Write(const std::string& name, std::string_view data) {
    MustOk(WriteFileAtomic(dir_ / name, data), "writing " + name);
    return (dir_ / name).string();
  }

  CommandResult OpenSsl(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    return RunCommand(args);
  }

  // `openssl verify` against ca.pem, strict about RFC 5280.
  CommandResult Verify(const Certificate& cert, const std::string& purpose,
                       std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"verify", "-x509_strict", "-purpose",
                                     purpose,  "-CAfile",      Path("ca.pem")};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(Write("cert.pem", cert.ToPem()));
    return OpenSsl(args);
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  Validity OneYearFromNow() const { return Validity::Starting(now_, days(365)); }

  const TimePoint now_ = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const CertificateAuthority ca_ = Must(CertificateAuthority::Create("Otter CLI CA", now_), "CA");
  const TempDir dir_;
};

TEST_F(OpenSslCliTest, VerifiesOurServerCertificate) {
  const auto cert = Must(ca_.IssueServerCertificate("otter-server", {"localhost", "127.0.0.1"},
                                                    TestKey().public_key(), OneYearFromNow()),
                         "server");
  const CommandResult run = Verify(cert, "sslserver", {"-verify_hostname", "localhost"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("cert.pem: OK"), std::string::npos) << run.output;
  EXPECT_EQ(Verify(cert, "sslserver", {"-verify_ip", "127.0.0.1"}).exit_code, 0);
  EXPECT_NE(Verify(cert, "sslserver", {"-verify_hostname", "example.com"}).exit_code, 0);
  EXPECT_NE(Verify(cert, "sslclient").exit_code, 0);
}

TEST_F(OpenSslCliTest, VerifiesOurClientCertificates) {
  for (const Role role : {Role::kDevice, Role::kProvisioning}) {
    const auto cert =
        Must(ca_.IssueClientCertificate("device-1", role, TestKey().public_key(), OneYearFromNow()),
             "client");
    const CommandResult run = Verify(cert, "sslclient");
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(Verify(cert, "sslserver").exit_code, 0);
  }
}

TEST_F(OpenSslCliTest, VerifiesOurCertificateFromACsr) {
  const Csr csr = Must(Csr::Create(TestKey(2), "device-csr"), "csr");
  const CommandResult check =
      OpenSsl({"req", "-verify", "-noout", "-in", Write("csr.pem", csr.pem())});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  const auto cert =
      Must(ca_.IssueFromCsr(csr.pem(), "device-csr", Role::kDevice, OneYearFromNow()), "issue");
  const CommandResult run = Verify(cert, "sslclient");
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

TEST_F(OpenSslCliTest, RefusesACertificateOfAnotherCa) {
  const auto other = Must(CertificateAuthority::Create("Other CA", now_), "CA");
  const auto cert = Must(other.IssueClientCertificate("device-1", Role::kDevice,
                                                      TestKey().public_key(), OneYearFromNow()),
                         "client");
  const CommandResult run = Verify(cert, "sslclient");
  EXPECT_NE(run.exit_code, 0) << run.output;
}

TEST_F(OpenSslCliTest, RefusesAnExpiredCertificate) {
  const auto cert =
      Must(ca_.IssueClientCertificate("device-1", Role::kDevice, TestKey().public_key(),
                                      {now_ - days(2), now_ - days(1)}),
           "client");
  const CommandResult run = Verify(cert, "sslclient");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("expired"), std::string::npos) << run.output;
}

TEST_F(OpenSslCliTest, ShowsSubjectSerialAndSans) {
  const auto device = Must(ca_.IssueClientCertificate("device-1", Role::kDevice,
                                                      TestKey().public_key(), OneYearFromNow()),
                           "client");
  const CommandResult run = OpenSsl(
      {"x509", "-noout", "-subject", "-serial", "-in", Write("device.pem", device.ToPem())});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("subject=OU = device, CN = device-1\n"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("serial=" + Upper(device.SerialHex()) + "\n"), std::string::npos)
      << run.output;

  const auto server = Must(ca_.IssueServerCertificate("otter", {"localhost", "127.0.0.1", "::1"},
                                                      TestKey().public_key(), OneYearFromNow()),
                           "server");
  const CommandResult sans = OpenSsl(
      {"x509", "-noout", "-ext", "subjectAltName", "-in", Write("server.pem", server.ToPem())});
  EXPECT_NE(sans.output.find("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"),
            std::string::npos)
      << sans.output;
}

TEST_F(OpenSslCliTest, ReadsOurPkcs12WithAnEmptyPassword) {
  const Certificate device =
      Must(ca_.IssueClientCertificate("device-1", Role::kDevice, TestKey().public_key(),
                                      OneYearFromNow()),
           "client");
  const std::string p12 =
      Write("x.p12", Must(ToPkcs12(device, TestKey(), {ca_.certificate()}), "p12"));
  const CommandResult certs = OpenSsl({"pkcs12", "-in", p12, "-passin", "pass:", "-nokeys"});
  EXPECT_EQ(certs.exit_code, 0) << certs.output;
  EXPECT_EQ(Count(certs.output, "-----BEGIN CERTIFICATE-----"), 2u) << certs.output;
  EXPECT_NE(certs.output.find(device.ToPem()), std::string::npos) << certs.output;
  EXPECT_NE(certs.output.find(ca_.certificate().ToPem()), std::string::npos) << certs.output;
  const CommandResult keys =
      OpenSsl({"pkcs12", "-in", p12, "-passin", "pass:", "-nocerts", "-nodes"});
  EXPECT_EQ(keys.exit_code, 0) << keys.output;
  EXPECT_NE(keys.output.find(TestKey().ToPem()), std::string::npos) << keys.output;
}

TEST_F(OpenSslCliTest, WeReadWhatOpenSslMakes) {
  const std::string key = Write("key.pem", TestKey(2).ToPem());
  const CommandResult request = OpenSsl(
      {"req", "-new", "-key", key, "-subj", "/O=Acme/CN=device-9", "-out", Path("req.pem")});
  ASSERT_EQ(request.exit_code, 0) << request.output;
  const std::string csr = Must(ReadFile(Path("req.pem")), "read");
  const auto cert = ca_.IssueFromCsr(csr, "device-9", Role::kDevice, OneYearFromNow());
  ASSERT_TRUE(cert.ok()) << cert.error().message();
  EXPECT_FALSE(ca_.IssueFromCsr(csr, "device-8", Role::kDevice, OneYearFromNow()).ok());

  const CommandResult exported =
      OpenSsl({"pkcs12", "-export", "-in", Write("device.pem", cert->ToPem()), "-inkey", key,
               "-certfile", Path("ca.pem"), "-passout", "pass:", "-out", Path("o.p12")});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  const auto bundle = FromPkcs12(Must(ReadFile(Path("o.p12")), "read"), "");
  ASSERT_TRUE(bundle.ok()) << bundle.error().message();
  EXPECT_EQ(bundle->certificate, *cert);
  EXPECT_EQ(bundle->key.public_key(), TestKey(2).public_key());
  ASSERT_EQ(bundle->ca_chain.size(), 1u);
  EXPECT_EQ(bundle->ca_chain[0], ca_.certificate());
}

TEST_F(OpenSslCliTest, LoadsACaMadeByOpenSsl) {
  const std::string config = Write("ca.cnf",
                                   "[req]\n"
                                   "distinguished_name = dn\n"
                                   "x509_extensions = v3\n"
                                   "[dn]\n"
                                   "[v3]\n"
                                   "basicConstraints = critical,CA:TRUE\n"
                                   "keyUsage = critical,keyCertSign,cRLSign\n"
                                   "subjectKeyIdentifier = hash\n");
  const std::string key = Write("ext-ca.key", TestKey(3).ToPem());
  const CommandResult made =
      OpenSsl({"req", "-x509", "-new", "-config", config, "-key", key, "-subj", "/CN=External CA",
               "-days", "30", "-out", Path("ext-ca.pem")});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const auto external = CertificateAuthority::Load(Path("ext-ca.pem"), key);
  ASSERT_TRUE(external.ok()) << external.error().message();
  EXPECT_EQ(Must(external->certificate().role(), "role"), Role::kCa);
  const auto cert = Must(external->IssueClientCertificate("device-1", Role::kDevice,
                                                          TestKey().public_key(), OneYearFromNow()),
                         "client");
  Write("ca.pem", external->certificate().ToPem());
  const CommandResult run = Verify(cert, "sslclient");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(cert.NotAfter(), external->certificate().NotAfter());
}

}  // namespace
}  // namespace otter::x509
