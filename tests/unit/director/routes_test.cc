// The Director's routes over a real HTTPS server on 127.0.0.1: devices with
// client certificates from the project's CA, operators with tokens.
#include "director/routes.h"

#include "api/auth.h"
#include "api/tokens.h"
#include "common/file.h"
#include "common/http_client.h"
#include "http_server/http_server.h"
#include "unit/director/director_fixture.h"
#include "unit/storage/temp_folder.h"
#include "x509/x509.h"

namespace otter::director::testing {
namespace {

using std::chrono::days;

struct Tls {
  std::string cert_file;
  std::string key_file;
};

class RoutesTest : public DirectorTest {
 protected:
  void SetUp() override {
    DirectorTest::SetUp();
    if (IsSkipped()) return;
    ca_.emplace(Must(x509::CertificateAuthority::Create("Otter test CA", clock_.Now())));
    ca_file_ = (tls_folder_.path() / "ca.crt").string();
    MustOk(WriteFileAtomic(ca_file_, ca_->certificate().ToPem()));
    const PrivateKey server_key = Must(x509::GenerateTlsKey());
    const Tls server = Write("server", server_key,
                             Must(ca_->IssueServerCertificate(
                                 "localhost", {"127.0.0.1"}, server_key.public_key(), Validity())));
    token_ = Must(api::TokenStore(*database_).Create("ops", clock_.Now())).secret;
    gatekeeper_.emplace(*database_, clock_);
    http::Router router;
    AddRoutes(router, *director_, *gatekeeper_);
    http::ServerOptions options;
    options.listeners.push_back(
        {.address = "127.0.0.1",
         .port = 0,
         .tls = http::TlsConfig{.cert_file = server.cert_file,
                                .key_file = server.key_file,
                                .ca_file = ca_file_,
                                .client_certs = http::ClientCertMode::kOptional}});
    options.io_threads = 1;
    options.worker_threads = 2;
    server_ = Must(http::HttpServer::Start(std::move(options), std::move(router)));
  }
  void TearDown() override {
    server_.reset();
    DirectorTest::TearDown();
  }

  x509::Validity Validity() const { return x509::Validity::Starting(clock_.Now(), days(1)); }

  Tls Write(const std::string& name, const PrivateKey& key, const x509::Certificate& certificate) {
    Tls tls{(tls_folder_.path() / (name + ".crt")).string(),
            (tls_folder_.path() / (name + ".key")).string()};
    MustOk(WriteFileAtomic(tls.cert_file, certificate.ToPem()));
    MustOk(WriteFileAtomic(tls.key_file, key.ToPem()));
    return tls;
  }

  // A device with its own client certificate, registered under its serial.
  TestDevice CertifiedDevice(const std::string& id, std::vector<std::string> hardware = {"rpi4"}) {
    const PrivateKey key = Must(x509::GenerateTlsKey());
    const x509::Certificate certificate =
        Must(ca_->IssueClientCertificate(id, x509::Role::kDevice, key.public_key(), Validity()));
    tls_[id] = Write(id, key, certificate);
    return NewDevice(id, std::move(hardware), certificate.SerialHex());
  }

  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body,
                    const Tls* tls, bool with_token) {
    HttpClientOptions options;
    options.tls.ca_file = ca_file_;
    if (tls != nullptr) {
      options.tls.cert_file = tls->cert_file;
      options.tls.key_file = tls->key_file;
    }
    HttpRequest request;
    request.method = method;
    request.url = "https://127.0.0.1:" + std::to_string(server_->port()) + path;
    request.body = body;
    if (with_token) request.headers["Authorization"] = "Bearer " + token_;
    if (!body.empty()) request.headers["Content-Type"] = "application/json";
    return Must(HttpClient(options).Send(request), method + " " + path);
  }
  HttpResponse AsDevice(const std::string& device, const std::string& method,
                        const std::string& path, const std::string& body = "") {
    return Send(method, path, body, &tls_.at(device), false);
  }
  HttpResponse AsOperator(const std::string& method, const std::string& path,
                          const std::string& body = "") {
    return Send(method, path, body, nullptr, true);
  }
  json DeviceJson(const std::string& device, const std::string& path) {
    const HttpResponse response = AsDevice(device, "GET", path);
    EXPECT_EQ(response.status, 200) << response.body;
    return json::parse(response.body, nullptr, false);
  }
  json OperatorJson(const std::string& path) {
    const HttpResponse response = AsOperator("GET", path);
    EXPECT_EQ(response.status, 200) << response.body;
    return json::parse(response.body, nullptr, false);
  }
  static std::string CodeOf(const HttpResponse& response) {
    const json body = json::parse(response.body, nullptr, false);
    return body.is_object() ? body.value("code", "") : "";
  }
  std::string AssignBody(const std::string& device, const std::string& target) {
    return json({{"device", device}, {"target", target}}).dump();
  }

  otter::storage::testing::TempFolder tls_folder_;
  std::optional<x509::CertificateAuthority> ca_;
  std::string ca_file_;
  std::string token_;
  std::map<std::string, Tls> tls_;
  std::optional<api::Gatekeeper> gatekeeper_;
  std::unique_ptr<http::HttpServer> server_;
};

TEST_P(RoutesTest, AnUpdateFromAssignmentToReport) {
  TestDevice device = CertifiedDevice("dev-1");
  HttpResponse registered =
      AsDevice("dev-1", "POST", "/director/ecus", device.Registration().dump());
  EXPECT_EQ(registered.status, 200) << registered.body;
  EXPECT_EQ(json::parse(registered.body)["changed"], true);
  registered = AsDevice("dev-1", "POST", "/director/ecus", device.Registration().dump());
  EXPECT_EQ(json::parse(registered.body)["changed"], false);

  const HttpResponse assigned =
      AsOperator("POST", "/api/v1/assignments", AssignBody("dev-1", "myos-1"));
  ASSERT_EQ(assigned.status, 201) << assigned.body;
  const std::string correlation_id = json::parse(assigned.body)["assigned"][0]["correlation_id"];
  EXPECT_EQ(OperatorJson("/api/v1/devices/dev-1")["status"]["state"], "update_pending");

  EXPECT_EQ(DeviceJson("dev-1", "/director/timestamp.json")["signed"]["_type"], "timestamp");
  const json targets = DeviceJson("dev-1", "/director/1.targets.json")["signed"];
  EXPECT_EQ(targets["custom"]["correlationId"], correlation_id);
  EXPECT_TRUE(targets["targets"].contains("myos-1"));
  EXPECT_EQ(AsDevice("dev-1", "GET", "/director/1.targets.json").headers["content-type"],
            "application/json");

  device.Install(0, Target("myos-1"));
  const HttpResponse manifest = AsDevice("dev-1", "PUT", "/director/manifest",
                                         device.Manifest(Report(correlation_id, true, "OK")));
  EXPECT_EQ(manifest.status, 204) << manifest.body;
  const json shown = OperatorJson("/api/v1/devices/dev-1");
  EXPECT_EQ(shown["status"]["state"], "up_to_date");
  EXPECT_EQ(shown["ecus"][0]["installed"]["filepath"], "myos-1");
  const json history = OperatorJson("/api/v1/devices/dev-1/history");
  EXPECT_EQ(history["assignments"][0]["status"], "succeeded");
  EXPECT_EQ(history["reports"][0]["code"], "OK");
}

TEST_P(RoutesTest, ADeviceOnlyEverReachesItsOwnRecords) {
  TestDevice one = CertifiedDevice("dev-1");
  TestDevice two = CertifiedDevice("dev-2");
  AsDevice("dev-1", "POST", "/director/ecus", one.Registration().dump());
  AsDevice("dev-2", "POST", "/director/ecus", two.Registration().dump());
  ASSERT_EQ(AsOperator("POST", "/api/v1/assignments", AssignBody("dev-1", "myos-1")).status, 201);

  // dev-2's certificate gets dev-2's metadata, whatever it asks for.
  const json targets = DeviceJson("dev-2", "/director/targets.json")["signed"];
  EXPECT_EQ(targets["custom"]["deviceId"], "dev-2");
  EXPECT_TRUE(targets["targets"].empty());
  EXPECT_EQ(DeviceJson("dev-1", "/director/targets.json")["signed"]["custom"]["deviceId"], "dev-1");
  // A manifest of dev-1's ECUs sent with dev-2's certificate.
  const HttpResponse foreign = AsDevice("dev-2", "PUT", "/director/manifest", one.Manifest());
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(CodeOf(foreign), "foreign_ecu");
  EXPECT_FALSE(Must(director_->ShowDevice("dev-1")).ecus[0].report_counter.has_value());
  // Events and data land with the certificate's device.
  AsDevice("dev-2", "POST", "/events",
           json::array({{{"id", "e1"}, {"eventType", {{"id", "X"}}}}}).dump());
  EXPECT_TRUE(Must(director_->Events("dev-1")).empty());
  EXPECT_EQ(Must(director_->Events("dev-2")).size(), 1u);
  // A device certificate is no operator credential.
  EXPECT_EQ(AsDevice("dev-2", "GET", "/api/v1/devices/dev-1").status, 401);
  EXPECT_EQ(AsDevice("dev-2", "DELETE", "/api/v1/devices/dev-1/assignment").status, 401);
  EXPECT_EQ(StateOf("dev-1"), DeviceState::kUpdatePending);
}

TEST_P(RoutesTest, DeviceRoutesNeedARegisteredDeviceCertificate) {
  CertifiedDevice("dev-1");
  const HttpResponse anonymous = Send("GET", "/director/timestamp.json", "", nullptr, false);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(Send("GET", "/director/timestamp.json", "", nullptr, true).status, 401);  // a token
  MustOk(api::DeviceCredentials(*database_).Revoke("dev-1"));
  EXPECT_EQ(AsDevice("dev-1", "GET", "/director/timestamp.json").status, 403);
}

TEST_P(RoutesTest, BadDeviceInputGetsA4xxAndChangesNothing) {
  TestDevice device = CertifiedDevice("dev-1");
  AsDevice("dev-1", "POST", "/director/ecus", device.Registration().dump());
  const std::string accepted = device.Manifest();
  ASSERT_EQ(AsDevice("dev-1", "PUT", "/director/manifest", accepted).status, 204);
  const auto before = Must(director_->ShowDevice("dev-1")).ecus;

  const auto expect = [&](const HttpResponse& response, long status, const std::string& code) {
    EXPECT_EQ(response.status, status) << response.body;
    if (!code.empty()) {
      EXPECT_EQ(CodeOf(response), code) << response.body;
    }
  };
  expect(AsDevice("dev-1", "PUT", "/director/manifest", accepted), 409, "stale_report_counter");
  const PrivateKey stranger = NewKey();
  expect(AsDevice("dev-1", "PUT", "/director/manifest", device.Manifest(std::nullopt, &stranger)),
         400, "bad_signature");
  TestDevice extra("dev-1", {device.ecu(0), {"dev-1-extra", "rpi4", NewKey(), FactoryImage()}});
  extra.counter() = 10;
  expect(AsDevice("dev-1", "PUT", "/director/manifest", extra.Manifest()), 400, "unknown_ecu");
  expect(AsDevice("dev-1", "PUT", "/director/manifest", "{\"signed\":"), 400, "malformed");
  expect(AsDevice("dev-1", "PUT", "/director/manifest", std::string(kMaxManifestBytes + 1, ' ')),
         413, "");
  expect(AsDevice("dev-1", "POST", "/director/ecus", "{nope"), 400, "malformed");
  expect(AsDevice("dev-1", "POST", "/director/ecus", "{}"), 400, "malformed");
  expect(AsDevice("dev-1", "POST", "/events", "[{\"id\": 1}]"), 400, "malformed");
  expect(AsDevice("dev-1", "POST", "/events", std::string(kMaxDeviceBodyBytes + 1, '[')), 413, "");
  expect(AsDevice("dev-1", "PUT", "/system_info", "[1, 2"), 400, "malformed");
  expect(AsDevice("dev-1", "PUT", "/core/installed", "{}"), 400, "malformed");
  expect(AsDevice("dev-1", "GET", "/director/7.targets.json"), 404, "not_found");
  expect(AsDevice("dev-1", "GET", "/director/other.json"), 404, "not_found");

  const DeviceDetails after = Must(director_->ShowDevice("dev-1"));
  ASSERT_EQ(after.ecus.size(), 1u);
  EXPECT_EQ(after.ecus[0].report_counter, before[0].report_counter);
  EXPECT_EQ(after.ecus[0].public_key, before[0].public_key);
  EXPECT_TRUE(after.data.empty());
  EXPECT_TRUE(Must(director_->Events("dev-1")).empty());
}

TEST_P(RoutesTest, DeviceDataIsStoredPerDevice) {
  CertifiedDevice("dev-1");
  EXPECT_EQ(AsDevice("dev-1", "PUT", "/system_info", R"({"cpu": "a72"})").status, 204);
  EXPECT_EQ(AsDevice("dev-1", "PUT", "/system_info/network",
                     R"({"local_ipv4": "10.0.0.9", "mac": "00:11", "hostname": "rpi"})")
                .status,
            204);
  EXPECT_EQ(
      AsDevice("dev-1", "POST", "/system_info/config", "[pacman]\ntype = \"ostree\"\n").status,
      204);
  EXPECT_EQ(
      AsDevice("dev-1", "PUT", "/core/installed", R"([{"name": "a", "version": "1"}])").status,
      204);
  const json data = OperatorJson("/api/v1/devices/dev-1")["data"];
  EXPECT_EQ(data["system_info"]["cpu"], "a72");
  EXPECT_EQ(data["network"]["hostname"], "rpi");
  EXPECT_EQ(data["config"], "[pacman]\ntype = \"ostree\"\n");
  EXPECT_EQ(data["installed_packages"][0]["name"], "a");
}

TEST_P(RoutesTest, EventsAreAcceptedOnceAndListed) {
  CertifiedDevice("dev-1");
  const std::string batch =
      json::array({{{"id", "e1"},
                    {"deviceTime", "2026-01-01T00:00:00Z"},
                    {"eventType", {{"id", "EcuDownloadStarted"}, {"version", 0}}},
                    {"event", {{"ecu", "dev-1-ecu0"}, {"correlationId", "c"}}}}})
          .dump();
  HttpResponse response = AsDevice("dev-1", "POST", "/events", batch);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(json::parse(response.body)["new"], 1);
  response = AsDevice("dev-1", "POST", "/events", batch);
  EXPECT_EQ(json::parse(response.body)["new"], 0);
  const json events = OperatorJson("/api/v1/devices/dev-1/events")["events"];
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "EcuDownloadStarted");
  EXPECT_EQ(events[0]["correlation_id"], "c");
}

TEST_P(RoutesTest, TheAdminApi) {
  TestDevice one = CertifiedDevice("dev-1");
  CertifiedDevice("dev-2");
  Must(director_->RegisterEcus("dev-1", one.Registration()));
  EXPECT_EQ(AsOperator("GET", "/api/v1/devices").status, 200);
  const json devices = OperatorJson("/api/v1/devices?limit=1&offset=1")["devices"];
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0]["id"], "dev-2");
  EXPECT_EQ(devices[0]["status"]["state"], "not_seen");
  EXPECT_EQ(AsOperator("GET", "/api/v1/devices?limit=many").status, 400);
  EXPECT_EQ(AsOperator("GET", "/api/v1/devices/nobody").status, 404);
  EXPECT_EQ(CodeOf(AsOperator("GET", "/api/v1/devices/nobody/history")), "device_not_found");
  EXPECT_EQ(Send("GET", "/api/v1/devices", "", nullptr, false).status, 401);

  // Assignments: by device, by hardware id, and what is refused.
  EXPECT_EQ(CodeOf(AsOperator("POST", "/api/v1/assignments", AssignBody("dev-1", "nothing"))),
            "unknown_target");
  EXPECT_EQ(CodeOf(AsOperator("POST", "/api/v1/assignments", AssignBody("dev-1", "mcu-fw"))),
            "hardware_mismatch");
  EXPECT_EQ(CodeOf(AsOperator("POST", "/api/v1/assignments", AssignBody("dev-2", "myos-1"))),
            "ecus_not_registered");
  EXPECT_EQ(AsOperator("POST", "/api/v1/assignments", AssignBody("nobody", "myos-1")).status, 404);
  for (const std::string& body :
       {std::string("{"), std::string("[]"), json({{"target", "myos-1"}}).dump(),
        json({{"device", "dev-1"}, {"hardware_id", "rpi4"}, {"target", "myos-1"}}).dump(),
        json({{"hardware_id", "rpi4"}, {"ecu", "x"}, {"target", "myos-1"}}).dump(),
        json({{"device", 7}, {"target", "myos-1"}}).dump()}) {
    const HttpResponse refused = AsOperator("POST", "/api/v1/assignments", body);
    EXPECT_EQ(refused.status, 400) << body;
    EXPECT_EQ(CodeOf(refused), "malformed") << body;
  }
  const HttpResponse fleet = AsOperator(
      "POST", "/api/v1/assignments", json({{"hardware_id", "rpi4"}, {"target", "myos-1"}}).dump());
  EXPECT_EQ(fleet.status, 201);
  EXPECT_EQ(json::parse(fleet.body)["assigned"].size(), 1u);
  const HttpResponse again =
      AsOperator("POST", "/api/v1/assignments", AssignBody("dev-1", "myos-2"));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(CodeOf(again), "assignment_open");

  const HttpResponse cancelled = AsOperator("DELETE", "/api/v1/devices/dev-1/assignment");
  EXPECT_EQ(cancelled.status, 200);
  EXPECT_EQ(json::parse(cancelled.body)["cancelled"][0]["status"], "cancelled");
  EXPECT_EQ(CodeOf(AsOperator("DELETE", "/api/v1/devices/dev-1/assignment")), "no_open_assignment");
}

TEST_P(RoutesTest, TheDirectorRootForOperators) {
  const HttpResponse root = AsOperator("GET", "/api/v1/director/root");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body, Must(director_->Root(1)));
  EXPECT_EQ(AsOperator("GET", "/api/v1/director/root?version=2").status, 404);
  const HttpResponse bad = AsOperator("PUT", "/api/v1/director/root", root.body);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(CodeOf(bad), "bad_root");
}

OTTER_DIRECTOR_BACKENDS(RoutesTest);

}  // namespace
}  // namespace otter::director::testing
