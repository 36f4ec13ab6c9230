// The server end to end, as devices and operators use it: the real
// otter-server on 127.0.0.1 with TLS and mTLS, the real `ostree` CLI, and the
// project's own Uptane verifier on the device side.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/http_client.h"
#include "integration/command.h"
#include "integration/server_process.h"
#include "support/must.h"
#include "treehub_client/treehub_client.h"
#include "uptane/fetcher.h"
#include "uptane/manifest.h"
#include "uptane/metadata_store.h"
#include "uptane/repository.h"
#include "uptane/uptane_verifier.h"
#include "x509/x509.h"

namespace otter::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr char kHardwareId[] = "hw-a";
constexpr char kEcuSerial[] = "ecu-1";

void WriteText(const fs::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Client credentials written to files, as libcurl and ostree want them.
struct ClientFiles {
  fs::path certificate;
  fs::path key;
};

class ServerFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(temp_.path() / "data");
    admin_.emplace(HttpClientOptions{.tls = {.ca_file = server_->ca_file().string()}});
  }

  HttpResponse Admin(const std::string& method, const std::string& path,
                     const json& body = nullptr) {
    HttpRequest request{.method = method, .url = server_->admin_url() + path};
    request.headers["Authorization"] = "Bearer " + server_->token();
    if (!body.is_null()) {
      request.body = body.dump();
      request.headers["Content-Type"] = "application/json";
    }
    return Must(admin_->Send(request));
  }

  ClientFiles WriteCredential(const std::string& name, const json& bundle) {
    const ClientFiles files{temp_.path() / (name + ".pem"), temp_.path() / (name + ".key")};
    WriteText(files.certificate, bundle.at("certificate").get<std::string>());
    WriteText(files.key, bundle.at("private_key").get<std::string>());
    return files;
  }

  std::unique_ptr<HttpClient> ClientFor(const ClientFiles& files) {
    return std::make_unique<HttpClient>(
        HttpClientOptions{.tls = {.ca_file = server_->ca_file().string(),
                                  .cert_file = files.certificate.string(),
                                  .key_file = files.key.string()}});
  }

  HttpResponse Device(HttpClient& client, const std::string& method, const std::string& path,
                      std::string body = "") {
    HttpRequest request{
        .method = method, .url = server_->gateway_url() + path, .body = std::move(body)};
    request.headers["Content-Type"] = "application/json";
    request.headers["Accept"] = "application/json";
    return Must(client.Send(request));
  }

  json FleetBundle() {
    const HttpResponse fleet = Admin("POST", "/api/v1/fleet/credentials", {{"name", "fleet"}});
    EXPECT_EQ(fleet.status, 201) << fleet.body;
    return json::parse(fleet.body);
  }

  // POST /devices with the fleet certificate; the device's credential files.
  ClientFiles Provision(const ClientFiles& fleet, const std::string& device_id) {
    auto client = ClientFor(fleet);
    const HttpResponse created =
        Device(*client, "POST", "/devices", json{{"deviceId", device_id}}.dump());
    EXPECT_EQ(created.status, 200) << created.body;
    return WriteCredential(device_id, json::parse(created.body));
  }

  void RegisterEcu(HttpClient& device, const PrivateKey& ecu_key) {
    const json registration = {{"primary_ecu_serial", kEcuSerial},
                               {"ecus",
                                {{{"ecu_serial", kEcuSerial},
                                  {"hardware_identifier", kHardwareId},
                                  {"clientKey", ecu_key.public_key().ToTufJson()}}}}};
    const HttpResponse registered = Device(device, "POST", "/director/ecus", registration.dump());
    ASSERT_LT(registered.status, 300) << registered.body;
  }

  // An OSTree commit of a small tree in a local archive repository.
  std::string CommitTree(const fs::path& repo, const std::string& version) {
    const fs::path tree = temp_.path() / ("tree-" + version);
    fs::create_directories(tree / "usr" / "etc");
    fs::create_directories(tree / "usr" / "bin");
    WriteText(tree / "usr" / "etc" / "os-release",
              "ID=otter\nPRETTY_NAME=\"Otter " + version + "\"\n");
    WriteText(tree / "usr" / "bin" / "hello", "#!/bin/sh\necho " + version + "\n");
    fs::permissions(tree / "usr" / "bin" / "hello", fs::perms::owner_all, fs::perm_options::add);
    fs::create_symlink("usr/bin", tree / "bin");
    if (!fs::exists(repo)) Ostree({"init", "--repo=" + repo.string(), "--mode=archive"});
    std::string checksum = Ostree({"commit", "--repo=" + repo.string(), "--branch=os/main",
                                   "--tree=dir=" + tree.string(), "--subject=" + version});
    while (!checksum.empty() && checksum.back() == '\n') checksum.pop_back();
    return checksum;
  }

  static std::string Ostree(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/ostree");
    const CommandResult result = RunCommand(args);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return result.output;
  }

  CommandResult Otter(std::vector<std::string> args) {
    args.insert(args.begin(),
                {BinaryPath("src/cli/otter").string(), "--server", server_->admin_url(), "--ca",
                 server_->ca_file().string(), "--token-file", server_->token_file().string()});
    return RunCommand(args);
  }

  treehub_client::PushSummary Push(const fs::path& repo) {
    return Must(treehub_client::PushCommit({.repo = repo,
                                            .ref = "os/main",
                                            .server_url = server_->admin_url(),
                                            .token = server_->token(),
                                            .ca_file = server_->ca_file().string()}));
  }

  void PublishOstreeTarget(const std::string& name, const std::string& commit) {
    const json target = {
        {"name", name},
        {"length", 0},
        {"hashes", {{"sha256", commit}}},
        {"custom",
         {{"targetFormat", "OSTREE"}, {"hardwareIds", {kHardwareId}}, {"releaseCounter", 1}}}};
    const HttpResponse added = Admin("POST", "/api/v1/image-repo/targets", target);
    ASSERT_EQ(added.status, 201) << added.body;
  }

  TempDir temp_;
  std::unique_ptr<ServerProcess> server_;
  std::optional<HttpClient> admin_;
};

// Full Uptane verification of both repositories, from the roots in the
// provisioning bundle, over mTLS.
uptane::VerifiedUpdates VerifyAsDevice(HttpClient& client, const std::string& gateway,
                                       const json& bundle, const std::string& device_id) {
  uptane::MemoryMetadataStore director_store;
  uptane::MemoryMetadataStore image_store;
  MustOk(director_store.Save("root", bundle.at("director_root").dump()));
  MustOk(image_store.Save("root", bundle.at("image_root").dump()));
  uptane::HttpFetcher director_fetcher(client, gateway + "/director");
  uptane::HttpFetcher image_fetcher(client, gateway + "/repo");
  uptane::Repository director("director", director_store, director_fetcher,
                              uptane::RepositoryLimits::ForDirector());
  uptane::Repository image("image", image_store, image_fetcher);
  uptane::UptaneVerifier verifier(
      {.device_id = device_id, .primary_serial = kEcuSerial, .ecus = {{kEcuSerial, kHardwareId}}},
      director, image);
  return Must(verifier.Verify(SystemClock().Now(), {}));
}

std::string SignedManifest(const PrivateKey& ecu_key, const std::string& commit,
                           const std::string& correlation_id, std::uint64_t counter) {
  uptane::EcuVersionReport report{
      .ecu_serial = kEcuSerial,
      .installed_image = {.filepath = "os-1", .length = 0, .hashes = {{"sha256", commit}}},
      .report_counter = counter};
  uptane::DeviceManifest manifest{.primary_ecu_serial = kEcuSerial};
  manifest.ecu_version_manifests.emplace(kEcuSerial,
                                         Must(uptane::SignEcuVersionReport(report, ecu_key)));
  manifest.installation_report = uptane::InstallationReport{
      .correlation_id = correlation_id,
      .result = {.success = true, .code = "OK", .description = "booted the new deployment"},
      .items = {{.ecu_serial = kEcuSerial, .result = {.success = true, .code = "OK"}}}};
  return Must(uptane::SignDeviceManifest(manifest, ecu_key)).bytes;
}

TEST_F(ServerFlowTest, ProvisionPublishAssignVerifyPullAndReport) {
  const json fleet_bundle = FleetBundle();
  const ClientFiles fleet = WriteCredential("fleet", fleet_bundle);
  const ClientFiles device_files = Provision(fleet, "dev-1");
  auto device = ClientFor(device_files);
  const PrivateKey ecu_key = Must(PrivateKey::Generate(KeyType::kEd25519));
  RegisterEcu(*device, ecu_key);

  // The publisher pushes a real commit and assigns it with the otter CLI.
  const fs::path local_repo = temp_.path() / "local-repo";
  const std::string commit = CommitTree(local_repo, "1");
  const CommandResult pushed =
      Otter({"push", "--repo", local_repo.string(), "--ref", "os/main", "--name", "os-1",
             "--version", "1", "--hardware-id", kHardwareId});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.output;
  const CommandResult assigned = Otter({"assign", "--device", "dev-1", "--target", "os-1"});
  ASSERT_EQ(assigned.exit_code, 0) << assigned.output;

  // The device verifies both repositories and sees exactly the assigned commit.
  const auto updates = VerifyAsDevice(*device, server_->gateway_url(), fleet_bundle, "dev-1");
  ASSERT_EQ(updates.updates.size(), 1u);
  EXPECT_EQ(updates.updates[0].target.name, "os-1");
  EXPECT_EQ(updates.updates[0].target.hashes.at("sha256"), commit);
  EXPECT_FALSE(updates.correlation_id.empty());

  // The real ostree CLI pulls the commit from /treehub with the device certificate.
  const fs::path device_repo = temp_.path() / "device-repo";
  Ostree({"init", "--repo=" + device_repo.string(), "--mode=archive"});
  Ostree({"remote", "add", "--repo=" + device_repo.string(), "--no-gpg-verify",
          "--set=tls-client-cert-path=" + device_files.certificate.string(),
          "--set=tls-client-key-path=" + device_files.key.string(),
          "--set=tls-ca-path=" + server_->ca_file().string(), "otter",
          server_->gateway_url() + "/treehub"});
  Ostree({"pull", "--repo=" + device_repo.string(), "otter", "os/main"});
  Ostree({"fsck", "--repo=" + device_repo.string()});
  EXPECT_EQ(Ostree({"rev-parse", "--repo=" + device_repo.string(), "otter:os/main"}),
            commit + "\n");

  // The signed manifest closes the assignment: the device is up to date.
  const std::string manifest = SignedManifest(ecu_key, commit, updates.correlation_id, 1);
  const HttpResponse reported = Device(*device, "PUT", "/director/manifest", manifest);
  ASSERT_LT(reported.status, 300) << reported.body;
  const json shown = json::parse(Admin("GET", "/api/v1/devices/dev-1").body);
  EXPECT_EQ(shown.at("status").at("state"), "up_to_date") << shown.dump();

  // A replayed manifest is refused.
  EXPECT_GE(Device(*device, "PUT", "/director/manifest", manifest).status, 400);
  EXPECT_EQ(server_->Stop(), 0) << server_->log();
}

TEST_F(ServerFlowTest, TufClientVerifiesTheImageRepositoryOverMtls) {
  const json fleet_bundle = FleetBundle();
  const ClientFiles device = Provision(WriteCredential("fleet", fleet_bundle), "dev-1");
  const std::string firmware = "firmware image 1\n";
  HttpRequest upload{.method = "PUT",
                     .url = server_->admin_url() +
                            "/api/v1/image-repo/content?name=fw&version=1&hardware_ids=hw-a",
                     .body = firmware};
  upload.headers["Authorization"] = "Bearer " + server_->token();
  const HttpResponse uploaded = Must(admin_->Send(upload));
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;

  const fs::path metadata = temp_.path() / "tuf-metadata";
  const fs::path targets = temp_.path() / "tuf-targets";
  fs::create_directories(metadata);
  fs::create_directories(targets);
  WriteText(temp_.path() / "image-root.json", fleet_bundle.at("image_root").dump());
  const std::vector<std::string> tls = {"--ca-file",     server_->ca_file().string(),
                                        "--client-cert", device.certificate.string(),
                                        "--client-key",  device.key.string()};
  auto tuf_client = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {BinaryPath("src/tuf_client/otter-tuf-client").string(),
                               "--metadata-dir", metadata.string()});
    args.insert(args.begin() + 3, tls.begin(), tls.end());
    return RunCommand(args);
  };
  const auto init = tuf_client({"init", (temp_.path() / "image-root.json").string()});
  ASSERT_EQ(init.exit_code, 0) << init.output;
  const std::string repo_url = server_->gateway_url() + "/repo";
  const auto download =
      tuf_client({"--metadata-url", repo_url, "--target-name", "fw-1", "--target-base-url",
                  repo_url + "/targets", "--target-dir", targets.string(), "download"});
  ASSERT_EQ(download.exit_code, 0) << download.output;
  std::ifstream in(targets / "fw-1", std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), firmware);
}

TEST_F(ServerFlowTest, PushedCommitsBecomeTargetsOnlyWhenComplete) {
  const fs::path local_repo = temp_.path() / "local-repo";
  const std::string commit = CommitTree(local_repo, "1");
  const json unknown = {{"name", "os-1"},
                        {"length", 0},
                        {"hashes", {{"sha256", commit}}},
                        {"custom", {{"targetFormat", "OSTREE"}, {"hardwareIds", {kHardwareId}}}}};
  const HttpResponse refused = Admin("POST", "/api/v1/image-repo/targets", unknown);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(json::parse(refused.body).at("code"), "unknown_commit");
  EXPECT_EQ(Push(local_repo).commit, commit);
  PublishOstreeTarget("os-1", commit);
  EXPECT_EQ(Push(local_repo).objects_uploaded, 0u);
}

TEST_F(ServerFlowTest, DevicesOnlyReachTheirOwnRecords) {
  const ClientFiles fleet = WriteCredential("fleet", FleetBundle());
  auto device_a = ClientFor(Provision(fleet, "dev-a"));
  auto device_b = ClientFor(Provision(fleet, "dev-b"));
  const PrivateKey key_a = Must(PrivateKey::Generate(KeyType::kEd25519));
  RegisterEcu(*device_a, key_a);

  const json targets_b =
      json::parse(Device(*device_b, "GET", "/director/targets.json").body).at("signed");
  EXPECT_EQ(targets_b.at("custom").at("deviceId"), "dev-b");
  // B signing a manifest for A's ECU with its own key gets nowhere.
  const PrivateKey key_b = Must(PrivateKey::Generate(KeyType::kEd25519));
  EXPECT_GE(Device(*device_b, "PUT", "/director/manifest",
                   SignedManifest(key_b, std::string(64, 'a'), "x", 1))
                .status,
            400);
  // The fleet certificate is not a device, a device cannot provision, and
  // neither reaches the admin API.
  auto fleet_client = ClientFor(fleet);
  EXPECT_EQ(Device(*fleet_client, "GET", "/director/targets.json").status, 403);
  EXPECT_EQ(Device(*device_a, "POST", "/devices", R"({"deviceId": "dev-c"})").status, 403);
  EXPECT_EQ(Device(*device_a, "GET", "/api/v1/devices").status, 401);
  // The same device id cannot be provisioned twice.
  EXPECT_EQ(Device(*fleet_client, "POST", "/devices", R"({"deviceId": "dev-a"})").status, 409);
}

TEST_F(ServerFlowTest, ForeignCertificatesDoNotGetThrough) {
  const auto foreign_ca =
      Must(x509::CertificateAuthority::Create("someone else", SystemClock().Now()));
  const PrivateKey key = Must(x509::GenerateTlsKey());
  const auto certificate = Must(foreign_ca.IssueClientCertificate(
      "dev-1", x509::Role::kDevice, key.public_key(),
      x509::Validity::Starting(SystemClock().Now(), std::chrono::hours(1))));
  const ClientFiles files{temp_.path() / "foreign.pem", temp_.path() / "foreign.key"};
  WriteText(files.certificate, certificate.ToPem());
  WriteText(files.key, key.ToPem());
  auto client = ClientFor(files);
  HttpRequest request{.url = server_->gateway_url() + "/director/targets.json"};
  EXPECT_FALSE(client->Send(request).ok());
}

TEST_F(ServerFlowTest, RestartAfterAKillKeepsKeysAndMetadata) {
  const std::string root = Admin("GET", "/api/v1/image-repo/targets").body;
  const std::string token = server_->token();
  server_->Kill();
  server_ = std::make_unique<ServerProcess>(temp_.path() / "data");
  EXPECT_EQ(server_->token(), token);
  EXPECT_EQ(Admin("GET", "/api/v1/image-repo/targets").body, root);
  EXPECT_EQ(server_->Stop(), 0) << server_->log();
}

}  // namespace
}  // namespace otter::testing
