// The HTTP routes over a real server on 127.0.0.1 (plain HTTP, operator
// bearer token; device certificates are the integration tests' business).
#include "image_repo/routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "api/tokens.h"
#include "common/errors.h"
#include "common/http_client.h"
#include "http_server/http_server.h"
#include "unit/image_repo/repo_fixture.h"
#include "uptane/fetcher.h"
#include "uptane/image_verifier.h"
#include "uptane/metadata_store.h"
#include "uptane/repository.h"

namespace otter::image_repo::testing {
namespace {

using nlohmann::json;

// An uptane::Fetcher for <base>/<path> that sends the operator token.
class BearerFetcher final : public uptane::Fetcher {
 public:
  BearerFetcher(std::string base_url, std::string token)
      : base_url_(std::move(base_url)), token_(std::move(token)) {}

  Result<std::string> Fetch(const std::string& path, std::uint64_t max_bytes) override {
    OTTER_ASSIGN(HttpResponse response, client_.Send(Request(path, max_bytes)));
    OTTER_TRY(CheckStatus(path, response.status));
    return response.body;
  }

  Status FetchTo(const std::string& path, std::uint64_t max_bytes, const BodySink& sink) override {
    OTTER_ASSIGN(long status, client_.SendStreaming(Request(path, max_bytes), sink));
    return CheckStatus(path, status);
  }

 private:
  HttpRequest Request(const std::string& path, std::uint64_t max_bytes) const {
    HttpRequest request;
    request.url = base_url_ + "/" + path;
    request.headers["Authorization"] = "Bearer " + token_;
    request.max_response_bytes = max_bytes;
    return request;
  }

  static Status CheckStatus(const std::string& path, long status) {
    if (status == 404) return MakeError(CommonErrc::kNotFound, path + ": HTTP 404");
    if (status != 200)
      return MakeError(CommonErrc::kHttpStatus, path + ": HTTP " + std::to_string(status));
    return Ok();
  }

  HttpClient client_;
  std::string base_url_;
  std::string token_;
};

class RoutesTest : public ImageRepoTest {
 protected:
  void SetUp() override {
    ImageRepoTest::SetUp();
    token_ = Must(api::TokenStore(*database_).Create("test", clock_.Now()), "token").secret;
  }

  void TearDown() override {
    if (server_) server_->Stop();
    ImageRepoTest::TearDown();
  }

  void StartServer() {
    gatekeeper_.emplace(*database_, clock_);
    http::Router router;
    AddRoutes(router, Repo(), *gatekeeper_);
    http::ServerOptions options;
    options.listeners.push_back(http::ListenerOptions{});
    options.io_threads = 1;
    options.worker_threads = 2;
    server_ = Must(http::HttpServer::Start(std::move(options), std::move(router)), "server");
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  HttpResponse Call(const std::string& method, const std::string& path, std::string body = {},
                    std::map<std::string, std::string> headers = {}, bool with_token = true) {
    HttpRequest request;
    request.method = method;
    request.url = Url(path);
    request.body = std::move(body);
    request.headers = std::move(headers);
    if (with_token) request.headers["Authorization"] = "Bearer " + token_;
    return Must(client_.Send(request), method + " " + path);
  }

  static std::string Code(const HttpResponse& response) {
    return json::parse(response.body, nullptr, false).value("code", "");
  }

  // What `otter repo init` does: root v1 from the server's online keys.
  std::string RootFromOnlineKeys() {
    const HttpResponse keys = Call("GET", "/api/v1/image-repo/online-keys");
    EXPECT_EQ(keys.status, 200);
    const json online = json::parse(keys.body);
    uptane::Root root = MakeRoot(1, {&root_key_});
    for (RoleName role : {RoleName::kSnapshot, RoleName::kTimestamp}) {
      const json& entry = online["roles"][std::string(uptane::RoleNameString(role))];
      root.roles[role].keyids = entry["keyids"].get<std::vector<std::string>>();
    }
    for (const auto& [keyid, key] : online["keys"].items())
      root.keys.insert_or_assign(keyid, Must(PublicKey::FromTufJson(key), "key"));
    return SignRoot(root, {&root_key_});
  }

  HttpResponse Upload(const std::string& query, const std::string& content) {
    return Call("PUT", "/api/v1/image-repo/content" + query, content);
  }

  std::string token_;
  std::optional<api::Gatekeeper> gatekeeper_;
  std::unique_ptr<http::HttpServer> server_;
  HttpClient client_;
};

INSTANTIATE_TEST_SUITE_P(Backends, RoutesTest, ::testing::Values(storage::Backend::kSqlite),
                         storage::testing::BackendName);

TEST_P(RoutesTest, EveryRouteNeedsACredential) {
  StartServer();
  for (const std::string path : {"/repo/timestamp.json", "/repo/1.root.json", "/repo/targets/a",
                                 "/api/v1/image-repo/online-keys", "/api/v1/image-repo/targets"}) {
    EXPECT_EQ(Call("GET", path, "", {}, false).status, 401) << path;
  }
  EXPECT_EQ(Call("PUT", "/api/v1/image-repo/root", "{}", {}, false).status, 401);
  EXPECT_EQ(Call("PUT", "/api/v1/image-repo/content", "x", {}, false).status, 401);
}

TEST_P(RoutesTest, OfflineFlowOverHttp) {
  StartServer();
  const HttpResponse root = Call("PUT", "/api/v1/image-repo/root", RootFromOnlineKeys());
  ASSERT_EQ(root.status, 200) << root.body;
  EXPECT_EQ(json::parse(root.body)["targets_need_signing"], true);
  EXPECT_EQ(Call("GET", "/api/v1/image-repo/targets.json").status, 404);
  EXPECT_EQ(Call("GET", "/repo/timestamp.json").status, 404);

  const std::string content = "firmware bytes";
  const HttpResponse uploaded = Upload(
      "?sha256=" + Sha256Hex(content) + "&length=" + std::to_string(content.size()), content);
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  EXPECT_EQ(json::parse(uploaded.body)["sha256"], Sha256Hex(content));

  const std::string targets = SignTargets(MakeTargets(1, {BinaryTarget("fw.bin", content)}));
  EXPECT_EQ(Call("PUT", "/api/v1/image-repo/targets.json", targets).status, 428);
  const HttpResponse pushed =
      Call("PUT", "/api/v1/image-repo/targets.json", targets, {{"If-Match", "\"0\""}});
  ASSERT_EQ(pushed.status, 200) << pushed.body;
  EXPECT_EQ(json::parse(pushed.body)["version"], 1);

  const HttpResponse pulled = Call("GET", "/api/v1/image-repo/targets.json");
  ASSERT_EQ(pulled.status, 200);
  EXPECT_EQ(pulled.body, targets);
  EXPECT_EQ(pulled.headers.at("etag"), "\"1\"");

  const std::string next = SignTargets(MakeTargets(2, {}));
  const HttpResponse stale =
      Call("PUT", "/api/v1/image-repo/targets.json", next, {{"If-Match", "\"0\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(Code(stale), "changed_meanwhile");
  const HttpResponse same_version =
      Call("PUT", "/api/v1/image-repo/targets.json", targets, {{"If-Match", "\"1\""}});
  EXPECT_EQ(same_version.status, 409);
  EXPECT_EQ(Code(same_version), "bad_version");
  EXPECT_EQ(Call("GET", "/repo/targets.json").body, targets);

  const HttpResponse list = Call("GET", "/api/v1/image-repo/targets");
  ASSERT_EQ(list.status, 200);
  const json listed = json::parse(list.body);
  EXPECT_EQ(listed["version"], 1);
  EXPECT_EQ(listed["online_targets"], false);
  EXPECT_EQ(listed["targets"]["fw.bin"]["length"], content.size());
}

TEST_P(RoutesTest, MetadataFilesAreServedAsJson) {
  StartServer();
  InitOffline();
  ASSERT_TRUE(Push({}).ok());
  for (const std::string path :
       {"/repo/1.root.json", "/repo/root.json", "/repo/timestamp.json", "/repo/1.snapshot.json",
        "/repo/snapshot.json", "/repo/1.targets.json", "/repo/targets.json"}) {
    const HttpResponse response = Call("GET", path);
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(response.headers.at("content-type"), "application/json") << path;
  }
  EXPECT_EQ(Call("GET", "/repo/1.root.json").body, Served(RoleName::kRoot, 1));
  for (const std::string path :
       {"/repo/2.root.json", "/repo/0.root.json", "/repo/01.root.json", "/repo/1.timestamp.json",
        "/repo/mirrors.json", "/repo/x.root.json", "/repo/root", "/repo/9.targets.json"}) {
    const HttpResponse response = Call("GET", path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(Code(response), "not_found") << path;
  }
}

TEST_P(RoutesTest, ServedRepositoryVerifiesWithTheTufClient) {
  StartServer();
  InitOffline();
  const std::string content(100'000, 'z');
  ASSERT_EQ(Upload("", content).status, 201);
  ASSERT_TRUE(Push({BinaryTarget("images/big.img", content)}).ok());

  uptane::MemoryMetadataStore store;
  MustOk(store.Save("root", Served(RoleName::kRoot, 1)), "seeding");
  BearerFetcher fetcher(Url("/repo"), token_);
  uptane::Repository client("image", store, fetcher);
  MustOk(client.Refresh(clock_.Now()), "refresh");
  const uptane::TargetFile target = Must(client.FindTarget("images/big.img", clock_.Now()), "find");
  auto verifier = Must(uptane::ImageVerifier::Create(target), "verifier");
  MustOk(fetcher.FetchTo("targets/images/" + target.hashes.at("sha256") + ".big.img", target.length,
                         [&](std::string_view chunk) { return verifier.Update(chunk); }),
         "download");
  MustOk(verifier.Finish(), "verify");
  EXPECT_EQ(verifier.received(), content.size());
}

TEST_P(RoutesTest, TargetContentHonoursRange) {
  StartServer();
  InitOffline();
  const std::string content = "0123456789";
  ASSERT_EQ(Upload("", content).status, 201);
  ASSERT_TRUE(Push({BinaryTarget("dir/a.bin", content)}).ok());
  const HttpResponse whole = Call("GET", "/repo/targets/dir/a.bin");
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body, content);
  EXPECT_EQ(whole.headers.at("content-type"), "application/octet-stream");
  const HttpResponse part = Call("GET", "/repo/targets/dir/" + Sha256Hex(content) + ".a.bin", "",
                                 {{"Range", "bytes=3-5"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, "345");
  const HttpResponse tail = Call("GET", "/repo/targets/dir/a.bin", "", {{"Range", "bytes=7-"}});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, "789");
  EXPECT_EQ(Call("GET", "/repo/targets/dir/b.bin").status, 404);
  EXPECT_EQ(Call("GET", "/repo/targets/../a.bin").status, 404);
}

TEST_P(RoutesTest, UploadWithWrongSha256IsRefusedAndNotStored) {
  StartServer();
  const std::string content = "the real bytes";
  const std::string claimed = Sha256Hex("other bytes");
  const HttpResponse response = Upload("?sha256=" + claimed, content);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Code(response), "hash_mismatch");
  EXPECT_FALSE(Must(blobs_->Exists(Sha256Hex(content)), "exists"));
  EXPECT_FALSE(Must(blobs_->Exists(claimed), "exists"));
}

TEST_P(RoutesTest, UploadWithWrongLengthIsRefusedAndNotStored) {
  StartServer();
  const std::string content = "twelve bytes";
  EXPECT_EQ(Upload("?length=20", content).status, 400);
  EXPECT_EQ(Upload("?length=5", content).status, 413);
  EXPECT_EQ(Upload("?length=x", content).status, 400);
  EXPECT_EQ(Upload("?sha256=XYZ", content).status, 400);
  EXPECT_FALSE(Must(blobs_->Exists(Sha256Hex(content)), "exists"));
}

TEST_P(RoutesTest, OnlineUploadRegistersTheTarget) {
  online_targets_ = true;
  StartServer();
  MustOk(Repo().InitializeOnline(root_key_), "initialising");
  const std::string content = "services: {}\n";
  const HttpResponse response = Upload(
      "?name=web&version=1.2&hardware_ids=hw-a,hw-b&release_counter=7"
      "&target_format=COMPOSE",
      content);
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(json::parse(response.body)["name"], "web-1.2");
  EXPECT_EQ(json::parse(response.body)["targets_version"], 2);
  const json target =
      json::parse(Call("GET", "/api/v1/image-repo/targets").body)["targets"]["web-1.2"];
  EXPECT_EQ(target["length"], content.size());
  EXPECT_EQ(target["hashes"]["sha256"], Sha256Hex(content));
  EXPECT_EQ(target["custom"]["hardwareIds"], json({"hw-a", "hw-b"}));
  EXPECT_EQ(target["custom"]["releaseCounter"], 7);
  EXPECT_EQ(target["custom"]["targetFormat"], "COMPOSE");
  EXPECT_EQ(target["custom"]["version"], "1.2");
  EXPECT_EQ(Call("GET", "/repo/targets/web-1.2").body, content);

  EXPECT_EQ(Upload("?name=../evil", "x").status, 400);
  EXPECT_EQ(Upload("?name=x&target_format=OSTREE", "x").status, 400);
}

TEST_P(RoutesTest, OnlineTargetsAddedAndRemovedAsJson) {
  online_targets_ = true;
  StartServer();
  MustOk(Repo().InitializeOnline(root_key_), "initialising");
  const std::string commit(64, 'c');
  commits_.insert(commit);
  const json body = {{"name", "os/1"},
                     {"length", 0},
                     {"hashes", {{"sha256", commit}}},
                     {"custom", {{"targetFormat", "OSTREE"}, {"hardwareIds", {"hw-a"}}}}};
  const HttpResponse added = Call("POST", "/api/v1/image-repo/targets", body.dump());
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(json::parse(added.body)["version"], 2);
  EXPECT_EQ(Code(Call("POST", "/api/v1/image-repo/targets", "{\"name\": 1}")), "invalid_target");
  EXPECT_EQ(Call("POST", "/api/v1/image-repo/targets", "not json").status, 400);
  json unknown = body;
  unknown["hashes"]["sha256"] = std::string(64, 'd');
  const HttpResponse refused = Call("POST", "/api/v1/image-repo/targets", unknown.dump());
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(Code(refused), "unknown_commit");

  const HttpResponse removed = Call("DELETE", "/api/v1/image-repo/targets/os/1");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(Call("DELETE", "/api/v1/image-repo/targets/os/1").status, 404);
}

TEST_P(RoutesTest, OfflineServerRefusesOnlineTargetChanges) {
  StartServer();
  InitOffline();
  const HttpResponse upload = Upload("?name=a.bin", "x");
  EXPECT_EQ(upload.status, 409);
  EXPECT_EQ(Code(upload), "targets_signed_offline");
  const json body = {{"name", "a.bin"}, {"length", 1}, {"hashes", {{"sha256", Sha256Hex("x")}}}};
  const HttpResponse post = Call("POST", "/api/v1/image-repo/targets", body.dump());
  EXPECT_EQ(post.status, 409);
  EXPECT_EQ(Code(post), "targets_signed_offline");
}

TEST_P(RoutesTest, RootRoutesAnswerWithTheirCodes) {
  StartServer();
  InitOffline();
  const PrivateKey new_root_key = NewKey();
  const HttpResponse new_only = Call("PUT", "/api/v1/image-repo/root",
                                     SignRoot(MakeRoot(2, {&new_root_key}), {&new_root_key}));
  EXPECT_EQ(new_only.status, 400);
  EXPECT_EQ(Code(new_only), "bad_signature");
  const HttpResponse rotated =
      Call("PUT", "/api/v1/image-repo/root",
           SignRoot(MakeRoot(2, {&new_root_key}), {&root_key_, &new_root_key}));
  EXPECT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_EQ(Call("GET", "/repo/2.root.json").status, 200);
  EXPECT_EQ(Call("GET", "/repo/3.root.json").status, 404);
  uptane::Root foreign = MakeRoot(3, {&new_root_key});
  foreign.roles[RoleName::kTimestamp].keyids = {new_root_key.KeyId()};
  const HttpResponse no_online_keys =
      Call("PUT", "/api/v1/image-repo/root", SignRoot(foreign, {&new_root_key}));
  EXPECT_EQ(no_online_keys.status, 400);
  EXPECT_EQ(Code(no_online_keys), "online_keys_not_trusted");
  EXPECT_NE(no_online_keys.body.find(timestamp_key_.KeyId()), std::string::npos);
}

}  // namespace
}  // namespace otter::image_repo::testing
