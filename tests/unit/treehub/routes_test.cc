// The treehub routes over real HTTP on 127.0.0.1.
#include "treehub/routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/hash.h"
#include "support/must.h"
#include "unit/http_server/server_harness.h"
#include "unit/treehub/ostree_fixture.h"
#include "unit/treehub/treehub_server.h"

namespace otter::treehub {
namespace {

using nlohmann::json;
using otter::testing::Must;
using testing::MustRun;
using testing::Quote;
using testing::ReadText;
using testing::SourceRepo;
using testing::TempFolder;
using testing::TreehubServer;

class TreehubRoutesTest : public ::testing::Test {
 protected:
  HttpResponse Send(const HttpRequest& request) { return Must(client_.Send(request), request.url); }

  HttpResponse Put(const std::string& name, std::string body) {
    return Send(server_.Request(
        "PUT", "/api/v1/treehub/objects/" + name.substr(0, 2) + "/" + name.substr(2),
        std::move(body)));
  }

  HttpResponse PutRef(const std::string& ref, const json& body) {
    return Send(server_.Request("PUT", "/api/v1/treehub/refs/" + ref, body.dump()));
  }

  HttpResponse Get(const std::string& path) { return Send(server_.Request("GET", path)); }

  void UploadAll() {
    for (const std::string& name : source_.ObjectNames()) {
      ASSERT_EQ(Put(name, ReadText(source_.ObjectPath(name))).status, 201) << name;
    }
  }

  static std::string Code(const HttpResponse& response) {
    const json body = json::parse(response.body, nullptr, false);
    return body.is_object() ? body.value("code", "") : "";
  }

  // Sends a raw request line (paths HttpClient would normalize) and
  // returns the status code.
  int RawGet(const std::string& target) {
    http::harness::RawConnection connection(server_.port());
    connection.Send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                    server_.token() + "\r\nConnection: close\r\n\r\n");
    const std::string answer = connection.Read(std::chrono::seconds(5));
    if (answer.size() < 12) return 0;
    return std::stoi(answer.substr(9, 3));
  }

  TempFolder folder_;
  TreehubServer server_{folder_.path()};
  SourceRepo source_{folder_.path() / "source", "archive"};
  HttpClient client_;
};

TEST_F(TreehubRoutesTest, UploadsOnlyWhatIsMissing) {
  source_.Commit("os/main", "one");
  const std::vector<std::string> names = source_.ObjectNames();
  const auto ask = [&] {
    const HttpResponse response = Send(server_.Request("POST", "/api/v1/treehub/objects/missing",
                                                       json{{"objects", names}}.dump()));
    EXPECT_EQ(response.status, 200);
    return json::parse(response.body)["missing"].get<std::vector<std::string>>();
  };
  EXPECT_EQ(ask(), names);
  UploadAll();
  EXPECT_TRUE(ask().empty());
  const HttpResponse again = Put(names.front(), ReadText(source_.ObjectPath(names.front())));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(json::parse(again.body)["stored"], false);
}

TEST_F(TreehubRoutesTest, MissingQueryRefusesBadInput) {
  for (const std::string& body :
       {std::string("not json"), std::string("[]"), std::string("{\"objects\": [1]}"),
        std::string("{\"objects\": [\"../../config\"]}")}) {
    const HttpResponse response =
        Send(server_.Request("POST", "/api/v1/treehub/objects/missing", body));
    EXPECT_EQ(response.status, 400) << body;
  }
}

TEST_F(TreehubRoutesTest, EveryApiRouteNeedsAToken) {
  HttpRequest request =
      server_.Request("PUT", "/api/v1/treehub/objects/aa/" + std::string(62, 'a') + ".commit", "x");
  request.headers.clear();
  EXPECT_EQ(Send(request).status, 401);
  for (const std::string& path :
       {std::string("/api/v1/treehub/refs/os/main"), std::string("/api/v1/treehub/refs"),
        std::string("/treehub/config"), "/api/v1/treehub/commits/" + std::string(64, 'a')}) {
    HttpRequest get = server_.Request("GET", path);
    get.headers["Authorization"] = "Bearer otter_wrong";
    EXPECT_EQ(Send(get).status, 401) << path;
  }
}

TEST_F(TreehubRoutesTest, AnObjectWithTheWrongHashIsRefused) {
  const std::string commit = source_.Commit("os/main", "one");
  std::string bytes = ReadText(source_.ObjectPath(commit + ".commit"));
  bytes[10] ^= 0x20;
  const HttpResponse response = Put(commit + ".commit", bytes);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Code(response), "hash_mismatch");
  EXPECT_EQ(
      Get("/treehub/objects/" + commit.substr(0, 2) + "/" + commit.substr(2) + ".commit").status,
      404);
}

TEST_F(TreehubRoutesTest, BadObjectNamesAreRefused) {
  const std::string checksum(64, 'b');
  EXPECT_EQ(Code(Put(checksum + ".file", "x")), "unknown_object_type");
  EXPECT_EQ(Code(Put(checksum + ".commitmeta", "x")), "unknown_object_type");
  EXPECT_EQ(Code(Put(std::string(64, 'B') + ".commit", "x")), "invalid_object_name");
  const HttpResponse wrong_prefix = Send(
      server_.Request("PUT", "/api/v1/treehub/objects/bbb/" + checksum.substr(3) + ".commit", "x"));
  EXPECT_EQ(wrong_prefix.status, 400);
  EXPECT_EQ(Code(wrong_prefix), "invalid_object_name");
}

TEST_F(TreehubRoutesTest, ServesRepositoryFilesWithRanges) {
  const std::string commit = source_.Commit("os/main", "one");
  UploadAll();
  const std::string path = commit.substr(0, 2) + "/" + commit.substr(2) + ".commit";
  const HttpResponse object = Get("/treehub/objects/" + path);
  EXPECT_EQ(object.status, 200);
  EXPECT_EQ(object.body, ReadText(source_.ObjectPath(commit + ".commit")));
  HttpRequest ranged = server_.Request("GET", "/treehub/objects/" + path);
  ranged.range_start = 4;
  const HttpResponse tail = Send(ranged);
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, object.body.substr(4));
  const HttpResponse config = Get("/treehub/config");
  EXPECT_EQ(config.status, 200);
  EXPECT_NE(config.body.find("archive"), std::string::npos);
  EXPECT_EQ(Get("/treehub/refs/heads/os/main").status, 404);
}

TEST_F(TreehubRoutesTest, ServesNothingOutsideTheServedFiles) {
  std::filesystem::create_directories(server_.hub().path() / "tmp");
  testing::WriteText(server_.hub().path() / "tmp" / "secret", "x");
  testing::WriteText(folder_.path() / "outside", "x");
  for (const std::string& path :
       {std::string("/treehub/tmp/secret"), std::string("/treehub/otter-refs.lock"),
        std::string("/treehub/state"), std::string("/treehub/"), std::string("/treehub/objects"),
        std::string("/treehub/refs/heads"),
        "/treehub/objects/aa/" + std::string(62, 'a') + ".file"}) {
    EXPECT_EQ(Get(path).status, 404) << path;
  }
  for (const char* target :
       {"/treehub/../outside", "/treehub/..%2foutside", "/treehub/%2e%2e/outside",
        "/treehub/refs/heads/..%2F..%2F..%2Foutside", "/treehub/tmp/secret"}) {
    const int status = RawGet(target);
    EXPECT_TRUE(status == 400 || status == 404) << target << ": " << status;
  }
}

TEST_F(TreehubRoutesTest, RefsMoveForwardUnlessForced) {
  const std::string one = source_.Commit("os/main", "one");
  const std::string two = source_.Commit("os/main", "two");
  UploadAll();
  HttpResponse response = PutRef("os/main", {{"commit", one}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json::parse(response.body)["previous"], nullptr);
  response = PutRef("os/main", {{"commit", two}, {"force", false}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json::parse(response.body)["previous"], one);

  response = PutRef("os/main", {{"commit", one}});
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(Code(response), "not_fast_forward");
  EXPECT_EQ(json::parse(Get("/api/v1/treehub/refs/os/main").body)["commit"], two);
  EXPECT_EQ(Get("/treehub/refs/heads/os/main").body, two + "\n");

  response = PutRef("os/main", {{"commit", one}, {"force", true}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(json::parse(response.body)["forced"], true);
  const json refs = json::parse(Get("/api/v1/treehub/refs").body)["refs"];
  EXPECT_EQ(refs, json({{"os/main", one}}));
}

TEST_F(TreehubRoutesTest, RefUpdatesRefuseBadInput) {
  const std::string one = source_.Commit("os/main", "one");
  Put(one + ".commit", ReadText(source_.ObjectPath(one + ".commit")));
  HttpResponse response = PutRef("os/main", {{"commit", one}});
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(Code(response), "incomplete_commit");
  response = PutRef("os/main", {{"commit", std::string(64, 'd')}});
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(Code(response), "unknown_commit");
  EXPECT_EQ(PutRef("os/main", {{"commit", "HEAD"}}).status, 400);
  EXPECT_EQ(PutRef("os/main", {{"commit", one}, {"force", "yes"}}).status, 400);
  EXPECT_EQ(Send(server_.Request("PUT", "/api/v1/treehub/refs/os/main", "{")).status, 400);
  response = PutRef(".hidden", {{"commit", one}});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Code(response), "invalid_ref");
  EXPECT_EQ(PutRef("", {{"commit", one}}).status, 400);
  EXPECT_EQ(Get("/api/v1/treehub/refs/os/main").status, 404);
  EXPECT_EQ(json::parse(Get("/api/v1/treehub/refs").body)["refs"], json::object());
}

TEST_F(TreehubRoutesTest, DescribesCommits) {
  const std::string one = source_.Commit("os/main", "one", "2.1.0");
  UploadAll();
  const HttpResponse response = Get("/api/v1/treehub/commits/" + one);
  ASSERT_EQ(response.status, 200);
  const json body = json::parse(response.body);
  EXPECT_EQ(body["commit"], one);
  EXPECT_EQ(body["complete"], true);
  EXPECT_EQ(body["subject"], "build one");
  EXPECT_EQ(body["version"], "2.1.0");
  EXPECT_EQ(body["parent"], nullptr);
  EXPECT_EQ(Get("/api/v1/treehub/commits/" + std::string(64, 'f')).status, 404);
  EXPECT_EQ(Get("/api/v1/treehub/commits/nope").status, 400);
}

TEST_F(TreehubRoutesTest, TheOstreeCliPullsWhatWasUploaded) {
  const std::string commit = source_.Commit("os/main", "one");
  UploadAll();
  ASSERT_EQ(PutRef("os/main", {{"commit", commit}}).status, 200);
  const std::string repo = Quote(folder_.path() / "pulled");
  MustRun("ostree init --mode=archive --repo=" + repo);
  MustRun("ostree remote add --no-gpg-verify --repo=" + repo + " otter " + server_.Url("/treehub"));
  MustRun("ostree pull --repo=" + repo +
          " --http-header=" + Quote("Authorization=Bearer " + server_.token()) + " otter os/main");
  EXPECT_EQ(MustRun("ostree rev-parse --repo=" + repo + " otter:os/main"), commit);
  MustRun("ostree fsck --repo=" + repo);
}

}  // namespace
}  // namespace otter::treehub
