// The command line end to end, in process: argument errors, the offline
// flows, and the admin API calls against a fake server on 127.0.0.1.
#include "cli/app.h"

#include <gtest/gtest.h>

#include <mutex>
#include <sstream>

#include "cli/bundle.h"
#include "cli/targets_draft.h"
#include "common/hash.h"
#include "support/http_test_server.h"
#include "support/must.h"
#include "unit/cli/cli_test_util.h"
#include "uptane/trusted_set.h"
#include "uptane/tuf_json.h"

namespace otter::cli {
namespace {

using nlohmann::json;
using otter::testing::HttpTestRequest;
using otter::testing::HttpTestResponse;
using otter::testing::HttpTestServer;
using otter::testing::Must;

const TimePoint kNow = Must(ParseTime("2030-01-01T00:00:00Z"));

HttpTestResponse JsonResponse(unsigned status, const json& body) {
  return {status, body.dump(), {{"content-type", "application/json"}}};
}

HttpTestResponse ErrorResponse(unsigned status, const std::string& code,
                               const std::string& description) {
  return JsonResponse(status, {{"code", code}, {"description", description}});
}

// A fake Image repository: online keys, root and targets uploads with the
// If-Match precondition.
class FakeImageRepo {
 public:
  std::optional<HttpTestResponse> Handle(const HttpTestRequest& request) {
    std::lock_guard lock(mutex_);
    const auto auth = request.headers.find("authorization");
    if (auth == request.headers.end() || auth->second != "Bearer secret")
      return ErrorResponse(401, "unauthenticated", "bad token");
    if (request.path == "api/v1/image-repo/online-keys") return JsonResponse(200, online_keys);
    if (request.path == "api/v1/image-repo/root" && request.method == "PUT") {
      root = request.body;
      return JsonResponse(200, {{"version", 1}, {"targets_need_signing", true}});
    }
    if (request.path == "api/v1/image-repo/targets.json") return Targets(request);
    if (request.path == "api/v1/image-repo/content" && request.method == "PUT") {
      uploads.push_back(request);
      return JsonResponse(201,
                          {{"sha256", Sha256Hex(request.body)}, {"length", request.body.size()}});
    }
    return std::nullopt;
  }

  json online_keys;
  std::string root;
  std::optional<std::string> targets;
  std::uint64_t targets_version = 0;
  std::vector<std::string> if_match;
  std::vector<HttpTestRequest> uploads;

 private:
  HttpTestResponse Targets(const HttpTestRequest& request) {
    if (request.method == "GET") {
      if (!targets) return ErrorResponse(404, "not_found", "no targets yet");
      return {200, *targets, {{"etag", "\"" + std::to_string(targets_version) + "\""}}};
    }
    const std::string expected = "\"" + std::to_string(targets_version) + "\"";
    if_match.push_back(request.headers.count("if-match") ? request.headers.at("if-match") : "");
    if (if_match.back() != expected)
      return ErrorResponse(412, "changed_meanwhile", "the targets changed meanwhile");
    targets = request.body;
    ++targets_version;
    return JsonResponse(200, {{"version", targets_version}});
  }

  std::mutex mutex_;
};

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"OTTER_SERVER", "OTTER_TOKEN", "OTTER_TOKEN_FILE", "OTTER_CA"})
      ::unsetenv(name);
    test::WriteText(folder_ / "token", "secret\n");
  }

  int Otter(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    args.insert(args.begin(), "otter");
    const Environment environment{&out_, &err_, &clock_, false};
    return cli::Run(args, environment);
  }

  // With the fake server's URL and the token.
  int Remote(std::vector<std::string> args) {
    args.insert(args.begin(), {"--server", server_.url(), "--token-file", Path("token")});
    return Otter(std::move(args));
  }

  std::string Path(const std::string& name) const { return (folder_ / name).string(); }

  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  test::TempFolder folder_;
  FixedClock clock_{kNow};
  std::ostringstream out_;
  std::ostringstream err_;
  HttpTestServer server_;
};

// --- arguments ---

TEST_F(AppTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(Otter({}), kExitUsage);
  EXPECT_EQ(Otter({"nonsense"}), kExitUsage);
  EXPECT_EQ(Otter({"keys"}), kExitUsage);
  EXPECT_EQ(Otter({"keys", "generate"}), kExitUsage);  // --out is required
  EXPECT_EQ(Otter({"keys", "generate", "--type", "dsa", "--out", Path("k")}), kExitUsage);
  EXPECT_EQ(Otter({"targets", "sign", "--expires", "soon", "--key", Path("k")}), kExitUsage);
  EXPECT_EQ(Otter({"assign", "--target", "t"}), kExitUsage);
  EXPECT_EQ(Otter({"assign", "--device", "d", "--hardware-id", "h", "--target", "t"}), kExitUsage);
  EXPECT_EQ(Otter({"assign", "--hardware-id", "h", "--ecu", "e", "--target", "t"}), kExitUsage);
  EXPECT_EQ(Otter({"devices", "list", "--limit", "0"}), kExitUsage);
}

TEST_F(AppTest, HelpExitsWithZero) {
  EXPECT_EQ(Otter({"--help"}), kExitOk);
  EXPECT_NE(out().find("targets"), std::string::npos);
  EXPECT_EQ(Otter({"targets", "push", "--help"}), kExitOk);
}

TEST_F(AppTest, ServerCommandsNeedAToken) {
  EXPECT_EQ(Otter({"devices", "list"}), kExitUsage);
  EXPECT_NE(err().find("OTTER_TOKEN"), std::string::npos);
}

TEST_F(AppTest, TokenFromTheEnvironment) {
  server_.SetHandler([](const HttpTestRequest& request) -> std::optional<HttpTestResponse> {
    const auto auth = request.headers.find("authorization");
    if (auth == request.headers.end() || auth->second != "Bearer from-env") return std::nullopt;
    return JsonResponse(200, {{"devices", json::array()}, {"offset", 0}});
  });
  ::setenv("OTTER_TOKEN", "from-env", 1);
  ::setenv("OTTER_SERVER", server_.url().c_str(), 1);
  EXPECT_EQ(Otter({"devices", "list"}), kExitOk) << err();
  EXPECT_EQ(out(), "(none)\n");
  ::unsetenv("OTTER_TOKEN");
  ::unsetenv("OTTER_SERVER");
}

// --- keys ---

TEST_F(AppTest, KeysGenerateWithJsonOutput) {
  ASSERT_EQ(Otter({"keys", "generate", "--type", "ecdsa", "--out", Path("k"), "--json"}), kExitOk)
      << err();
  const json result = json::parse(out());
  EXPECT_EQ(result["keytype"], "ecdsa");
  EXPECT_EQ(result["keyid"], Must(LoadPrivateKey(Path("k"))).KeyId());
  EXPECT_EQ(result["public_key"], Path("k.pub"));

  EXPECT_EQ(Otter({"keys", "generate", "--out", Path("k")}), kExitFailure);
  EXPECT_NE(err().find("refusing to overwrite"), std::string::npos);
}

// --- the offline targets flow ---

class OfflineFlowTest : public AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    server_.SetHandler([this](const HttpTestRequest& request) { return repo_.Handle(request); });
    ASSERT_EQ(Otter({"keys", "generate", "--out", Path("targets.key")}), kExitOk);
  }

  PrivateKey TargetsKey() { return Must(LoadPrivateKey(Path("targets.key"))); }

  uptane::Targets Published() {
    const auto metadata = Must(uptane::SignedMetadata::Parse(*repo_.targets));
    const PrivateKey key = TargetsKey();
    MustOk(uptane::VerifySignatures(metadata, {{key.KeyId(), key.public_key()}}, {{key.KeyId()}, 1},
                                    "targets"));
    return Must(uptane::ParseTargets(metadata.signed_part));
  }

  static void MustOk(const Status& status) { otter::testing::MustOk(status); }

  FakeImageRepo repo_;
};

TEST_F(OfflineFlowTest, PullAddSignPush) {
  test::WriteText(folder_ / "app.yaml", "services: {}\n");
  const std::string file = Path("targets.json");
  ASSERT_EQ(Remote({"targets", "pull", "--out", file}), kExitOk) << err();
  EXPECT_NE(out().find("v0"), std::string::npos);
  ASSERT_EQ(Otter({"targets", "add", "--file", file, "--from-file", Path("app.yaml"), "--format",
                   "COMPOSE", "--hardware-id", "board", "--uri", "https://cdn/app.yaml"}),
            kExitOk)
      << err();
  ASSERT_EQ(Otter({"targets", "add", "--file", file, "--name", "os-1", "--sha256",
                   std::string(64, 'c'), "--format", "OSTREE", "--version", "1"}),
            kExitOk)
      << err();
  EXPECT_EQ(Remote({"targets", "push", "--file", file}), kExitUsage);  // not signed yet
  ASSERT_EQ(
      Otter({"targets", "sign", "--file", file, "--key", Path("targets.key"), "--expires", "30d"}),
      kExitOk)
      << err();
  ASSERT_EQ(Remote({"targets", "push", "--file", file}), kExitOk) << err();
  EXPECT_EQ(repo_.if_match.back(), "\"0\"");

  const uptane::Targets published = Published();
  EXPECT_EQ(published.version, 1u);
  EXPECT_EQ(published.expires, kNow + std::chrono::days(30));
  const uptane::TargetFile& app = published.targets.at("app.yaml");
  EXPECT_EQ(app.hashes.at("sha256"), Sha256Hex("services: {}\n"));
  EXPECT_EQ(app.length, 13u);
  EXPECT_EQ(app.custom.target_format, "COMPOSE");
  EXPECT_EQ(app.custom.uri, "https://cdn/app.yaml");
  EXPECT_EQ(published.targets.at("os-1").custom.target_format, "OSTREE");

  // The file now continues from v1: edit, sign, push gives v2.
  ASSERT_EQ(Otter({"targets", "remove", "--file", file, "--name", "os-1"}), kExitOk) << err();
  ASSERT_EQ(Otter({"targets", "sign", "--file", file, "--key", Path("targets.key")}), kExitOk);
  ASSERT_EQ(Remote({"targets", "push", "--file", file}), kExitOk) << err();
  EXPECT_EQ(Published().version, 2u);
  EXPECT_FALSE(Published().targets.contains("os-1"));
}

TEST_F(OfflineFlowTest, PushIsRefusedWhenTheTargetsChangedMeanwhile) {
  const std::string file = Path("targets.json");
  ASSERT_EQ(Remote({"targets", "pull", "--out", file}), kExitOk) << err();
  ASSERT_EQ(Otter({"targets", "sign", "--file", file, "--key", Path("targets.key")}), kExitOk);
  repo_.targets_version = 5;  // someone else published meanwhile
  EXPECT_EQ(Remote({"targets", "push", "--file", file}), kExitFailure);
  EXPECT_NE(err().find("the targets changed meanwhile"), std::string::npos) << err();
  EXPECT_NE(err().find("otter targets pull"), std::string::npos) << err();
  EXPECT_NE(err().find("412"), std::string::npos) << err();
  EXPECT_FALSE(repo_.targets);
}

TEST_F(OfflineFlowTest, UploadStreamsTheContentAndAddsTheEntry) {
  const std::string content(300000, 'z');
  test::WriteText(folder_ / "fw.bin", content);
  const std::string file = Path("targets.json");
  ASSERT_EQ(Remote({"targets", "pull", "--out", file}), kExitOk);
  ASSERT_EQ(Remote({"targets", "upload", "--file", Path("fw.bin"), "--name", "fw", "--version",
                    "2.0", "--hardware-id", "mcu", "--targets-file", file}),
            kExitOk)
      << err();
  ASSERT_EQ(repo_.uploads.size(), 1u);
  const HttpTestRequest& upload = repo_.uploads[0];
  EXPECT_EQ(upload.body, content);
  EXPECT_NE(upload.target.find("sha256=" + Sha256Hex(content)), std::string::npos);
  EXPECT_NE(upload.target.find("length=300000"), std::string::npos);
  EXPECT_EQ(upload.target.find("name="), std::string::npos);  // offline: the file gets it

  const uptane::Targets draft = Must(ParseDraft(Must(LoadDraft(file))));
  const uptane::TargetFile& entry = draft.targets.at("fw-2.0");
  EXPECT_EQ(entry.length, content.size());
  EXPECT_EQ(entry.custom.raw["name"], "fw");
  EXPECT_EQ(entry.custom.raw["version"], "2.0");
  EXPECT_EQ(entry.custom.target_format, "BINARY");
  EXPECT_EQ(entry.custom.hardware_ids, std::vector<std::string>{"mcu"});
}

TEST_F(OfflineFlowTest, OnlineUploadLetsTheServerAddTheTarget) {
  test::WriteText(folder_ / "app.yaml", "x");
  ASSERT_EQ(Remote({"targets", "upload", "--file", Path("app.yaml"), "--name", "app", "--format",
                    "COMPOSE", "--hardware-id", "a", "--hardware-id", "b"}),
            kExitOk)
      << err();
  ASSERT_EQ(repo_.uploads.size(), 1u);
  const std::string& target = repo_.uploads[0].target;
  EXPECT_NE(target.find("name=app"), std::string::npos) << target;
  EXPECT_NE(target.find("target_format=COMPOSE"), std::string::npos) << target;
  EXPECT_NE(target.find("hardware_ids=a%2Cb"), std::string::npos) << target;
}

TEST_F(OfflineFlowTest, ListShowsALocalFile) {
  const std::string file = Path("targets.json");
  ASSERT_EQ(Remote({"targets", "pull", "--out", file}), kExitOk);
  ASSERT_EQ(Otter({"targets", "add", "--file", file, "--name", "fw.bin", "--sha256",
                   std::string(64, 'd'), "--length", "9", "--hardware-id", "mcu"}),
            kExitOk);
  ASSERT_EQ(Otter({"targets", "list", "--file", file}), kExitOk) << err();
  EXPECT_NE(out().find("fw.bin"), std::string::npos);
  EXPECT_NE(out().find("mcu"), std::string::npos);
  EXPECT_NE(out().find("unsigned"), std::string::npos);
}

TEST_F(OfflineFlowTest, RepoInitSignsRootAndTargetsLocally) {
  const PrivateKey snapshot = test::NewKey();
  const PrivateKey timestamp = test::NewKey();
  repo_.online_keys = {{"keys",
                        {{snapshot.KeyId(), snapshot.public_key().ToTufJson()},
                         {timestamp.KeyId(), timestamp.public_key().ToTufJson()}}},
                       {"roles",
                        {{"snapshot", {{"keyids", {snapshot.KeyId()}}, {"threshold", 1}}},
                         {"timestamp", {{"keyids", {timestamp.KeyId()}}, {"threshold", 1}}}}}};
  ASSERT_EQ(Otter({"keys", "generate", "--out", Path("root.key")}), kExitOk);
  ASSERT_EQ(Remote({"repo", "init", "--root-key", Path("root.key"), "--targets-key",
                    Path("targets.key"), "--json"}),
            kExitOk)
      << err();
  const json result = json::parse(out());
  EXPECT_EQ(result["root_version"], 1);
  EXPECT_EQ(result["targets_version"], 1);

  auto trusted = Must(uptane::TrustedSet::Create(repo_.root));
  EXPECT_TRUE(trusted.CheckRootFinal(kNow + std::chrono::days(364)));
  EXPECT_FALSE(trusted.CheckRootFinal(kNow + std::chrono::days(366)));
  EXPECT_EQ(trusted.root().roles.at(uptane::RoleName::kTimestamp).keyids[0], timestamp.KeyId());
  EXPECT_EQ(trusted.root().roles.at(uptane::RoleName::kTargets).keyids[0], TargetsKey().KeyId());
  EXPECT_EQ(Published().version, 1u);
  EXPECT_TRUE(Published().targets.empty());
}

TEST_F(OfflineFlowTest, RepoInitWithoutTargetsKeyNeedsAnOnlineOne) {
  const PrivateKey snapshot = test::NewKey();
  repo_.online_keys = {{"keys", {{snapshot.KeyId(), snapshot.public_key().ToTufJson()}}},
                       {"roles",
                        {{"snapshot", {{"keyids", {snapshot.KeyId()}}}},
                         {"timestamp", {{"keyids", {snapshot.KeyId()}}}}}}};
  ASSERT_EQ(Otter({"keys", "generate", "--out", Path("root.key")}), kExitOk);
  EXPECT_EQ(Remote({"repo", "init", "--root-key", Path("root.key")}), kExitUsage);
  EXPECT_NE(err().find("--targets-key"), std::string::npos);
  EXPECT_TRUE(repo_.root.empty());
}

TEST_F(OfflineFlowTest, WrongTokenIsReportedWithTheServersDescription) {
  test::WriteText(folder_ / "token", "wrong\n");
  EXPECT_EQ(Remote({"targets", "pull", "--out", Path("t.json")}), kExitFailure);
  EXPECT_NE(err().find("bad token"), std::string::npos) << err();
}

// --- devices and assignments ---

TEST_F(AppTest, DevicesListAndShow) {
  server_.SetHandler([](const HttpTestRequest& request) -> std::optional<HttpTestResponse> {
    if (request.path == "api/v1/devices")
      return JsonResponse(
          200, {{"devices",
                 {{{"id", "dev-1"},
                   {"created_at", "2030-01-01T00:00:00Z"},
                   {"last_seen", nullptr},
                   {"revoked", false},
                   {"status", {{"state", "update_failed"}, {"reason", "INSTALL_FAILED"}}}}}},
                {"offset", 0}});
    if (request.path == "api/v1/devices/missing")
      return ErrorResponse(404, "device_not_found", "no device \"missing\"");
    return std::nullopt;
  });
  ASSERT_EQ(Remote({"devices", "list"}), kExitOk) << err();
  EXPECT_NE(out().find("dev-1"), std::string::npos);
  EXPECT_NE(out().find("update_failed (INSTALL_FAILED)"), std::string::npos);
  ASSERT_EQ(Remote({"devices", "list", "--json"}), kExitOk);
  EXPECT_EQ(json::parse(out())["devices"][0]["id"], "dev-1");

  EXPECT_EQ(Remote({"devices", "show", "missing"}), kExitFailure);
  EXPECT_NE(err().find("no device \"missing\""), std::string::npos) << err();
  EXPECT_NE(err().find("404 device_not_found"), std::string::npos) << err();
}

TEST_F(AppTest, AssignSendsTheRequestedBody) {
  std::vector<json> bodies;
  std::mutex mutex;
  server_.SetHandler([&](const HttpTestRequest& request) -> std::optional<HttpTestResponse> {
    if (request.path != "api/v1/assignments") return std::nullopt;
    std::lock_guard lock(mutex);
    bodies.push_back(json::parse(request.body));
    return JsonResponse(201,
                        {{"assigned",
                          {{{"device", "dev-1"},
                            {"ecu", "ecu-1"},
                            {"correlation_id", "c-1"},
                            {"target", {{"name", "os-2"}}}}}},
                         {"skipped", {{{"device", "dev-2"}, {"ecu", "e"}, {"reason", "open"}}}}});
  });
  ASSERT_EQ(Remote({"assign", "--device", "dev-1", "--target", "os-2", "--ecu", "ecu-1"}), kExitOk)
      << err();
  EXPECT_NE(out().find("assigned os-2 to dev-1 ECU ecu-1"), std::string::npos) << out();
  EXPECT_NE(out().find("skipped dev-2"), std::string::npos) << out();
  ASSERT_EQ(Remote({"assign", "--hardware-id", "board", "--target", "os-2"}), kExitOk);
  std::lock_guard lock(mutex);
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[0], (json{{"device", "dev-1"}, {"target", "os-2"}, {"ecu", "ecu-1"}}));
  EXPECT_EQ(bodies[1], (json{{"hardware_id", "board"}, {"target", "os-2"}}));
}

TEST_F(AppTest, CancelDeletesTheAssignment) {
  server_.SetHandler([](const HttpTestRequest& request) -> std::optional<HttpTestResponse> {
    if (request.method == "DELETE" && request.path == "api/v1/devices/dev 1/assignment")
      return JsonResponse(200, {{"cancelled", json::array()}});
    return std::nullopt;
  });
  EXPECT_EQ(Remote({"cancel", "dev 1"}), kExitOk) << err();
}

// --- provisioning ---

TEST_F(AppTest, DeviceCreateWritesTheBundle) {
  server_.SetHandler([](const HttpTestRequest& request) -> std::optional<HttpTestResponse> {
    if (request.path != "api/v1/devices" || request.method != "POST") return std::nullopt;
    const json body = json::parse(request.body);
    if (body["deviceId"] == "taken")
      return ErrorResponse(409, "device_already_registered",
                           "this device id is already registered");
    return JsonResponse(201, {{"certificate", "C"},
                              {"private_key", "K"},
                              {"ca", "CA"},
                              {"gateway_url", "https://gw:8443"},
                              {"director_root", {{"signed", json::object()}}}});
  });
  ASSERT_EQ(Remote({"device", "create", "dev-1", "--out", Path("dev-1.tar.gz")}), kExitOk) << err();
  EXPECT_NE(err().find("no image-root.json"), std::string::npos);  // warned
  const auto entries = Must(ReadArchive(test::ReadText(folder_ / "dev-1.tar.gz")));
  const json manifest = json::parse(entries.front().data);
  EXPECT_EQ(manifest["device_id"], "dev-1");
  EXPECT_EQ(manifest["kind"], "device");

  EXPECT_EQ(Remote({"device", "create", "taken", "--out", Path("taken.tar.gz")}), kExitFailure);
  EXPECT_NE(err().find("already registered"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(folder_ / "taken.tar.gz"));
}

TEST_F(AppTest, FleetCredentialsSendsNameAndDays) {
  json seen;
  server_.SetHandler([&](const HttpTestRequest& request) -> std::optional<HttpTestResponse> {
    if (request.path != "api/v1/fleet/credentials") return std::nullopt;
    seen = json::parse(request.body);
    return JsonResponse(201, {{"certificate", "C"},
                              {"private_key", "K"},
                              {"ca", "CA"},
                              {"gateway_url", "https://gw:8443"}});
  });
  ASSERT_EQ(Remote({"fleet", "credentials", "--out", Path("fleet.tar.gz"), "--name", "line-1",
                    "--days", "30", "--json"}),
            kExitOk)
      << err();
  EXPECT_EQ(seen, (json{{"name", "line-1"}, {"days", 30}}));
  EXPECT_EQ(json::parse(out())["kind"], "fleet");
  EXPECT_TRUE(std::filesystem::exists(folder_ / "fleet.tar.gz"));
}

}  // namespace
}  // namespace otter::cli
