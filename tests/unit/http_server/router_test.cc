#include "http_server/router.h"

#include <gtest/gtest.h>

#include "common/errors.h"

namespace otter::http {
namespace {

Handler Named(std::string name) {
  return [name](const Request&) { return Response::Text(200, name); };
}

std::string Chosen(const RouteMatch& match) {
  if (match.route == nullptr) return "status " + std::to_string(match.status);
  return std::get<Handler>(match.route->action)(Request{}).body;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.Add("GET", "/director/{file}", Named("director"));
    router_.Add("GET", "/director/manifest", Named("literal"));
    router_.Add("PUT", "/director/manifest", Named("manifest"));
    router_.Add("GET", "/treehub/{path...}", Named("treehub"));
    router_.Add("GET", "/treehub/config", Named("config"));
    router_.Add("PUT", "/api/v1/devices/{id}", Named("device"));
    router_.Add("GET", "/api/v1/devices/{id}/ecus/{serial}", Named("ecu"));
    router_.Add("GET", "/", Named("root"));
  }

  Router router_;
};

TEST_F(RouterTest, NamedSegments) {
  RouteMatch match = router_.Find("GET", "/api/v1/devices/d-1/ecus/ecu 2");
  EXPECT_EQ(Chosen(match), "ecu");
  EXPECT_EQ(match.params.at("id"), "d-1");
  EXPECT_EQ(match.params.at("serial"), "ecu 2");
  EXPECT_EQ(Chosen(router_.Find("GET", "/director/1.root.json")), "director");
  EXPECT_EQ(router_.Find("GET", "/director/1.root.json").params.at("file"), "1.root.json");
}

TEST_F(RouterTest, NamedSegmentNeedsText) {
  EXPECT_EQ(Chosen(router_.Find("GET", "/director/")), "status 404");
  EXPECT_EQ(Chosen(router_.Find("GET", "/director")), "status 404");
  EXPECT_EQ(Chosen(router_.Find("GET", "/director/a/b")), "status 404");
}

TEST_F(RouterTest, RestMatchesTheRemainder) {
  RouteMatch match = router_.Find("GET", "/treehub/objects/ab/cdef.commit");
  EXPECT_EQ(Chosen(match), "treehub");
  EXPECT_EQ(match.params.at("path"), "objects/ab/cdef.commit");
  EXPECT_EQ(router_.Find("GET", "/treehub/").params.at("path"), "");
  EXPECT_EQ(router_.Find("GET", "/treehub").params.at("path"), "");
}

TEST_F(RouterTest, MostSpecificWins) {
  EXPECT_EQ(Chosen(router_.Find("GET", "/director/manifest")), "literal");
  EXPECT_EQ(Chosen(router_.Find("GET", "/treehub/config")), "config");
  EXPECT_EQ(Chosen(router_.Find("PUT", "/director/manifest")), "manifest");
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  RouteMatch match = router_.Find("DELETE", "/director/manifest");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.status, 405U);
  EXPECT_EQ(match.allow, "GET, HEAD, PUT");
  EXPECT_EQ(router_.Find("GET", "/api/v1/devices/x").allow, "PUT");
}

TEST_F(RouterTest, UnknownPathIs404) {
  EXPECT_EQ(Chosen(router_.Find("GET", "/nothing/here")), "status 404");
  EXPECT_EQ(Chosen(router_.Find("GET", "/")), "root");
  EXPECT_EQ(Chosen(router_.Find("GET", "")), "status 404");
  EXPECT_EQ(Chosen(router_.Find("GET", "relative")), "status 404");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  EXPECT_EQ(Chosen(router_.Find("HEAD", "/director/2.root.json")), "director");
  router_.Add("HEAD", "/director/{file}", Named("head"));
  EXPECT_EQ(Chosen(router_.Find("HEAD", "/director/2.root.json")), "head");
}

TEST(Router, InvalidPatternsAreReported) {
  for (const char* pattern : {"no-slash", "/a/{rest...}/b", "/{}", "/{a}/{a}", "/a{b}", "/{a.b}"}) {
    Router router;
    router.Add("GET", "/fine", Named("fine"));
    router.Add("GET", pattern, Named("bad"));
    router.Add("GET", "/also/fine", Named("fine"));
    EXPECT_FALSE(router.status().ok()) << pattern;
    EXPECT_TRUE(router.status().error().Is(CommonErrc::kInvalidArgument));
  }
}

TEST(Router, StreamedRoutesKeepTheirLimit) {
  Router router;
  router.AddStreamed(
      "PUT", "/upload/{name}", [](const Request&) { return Response::Empty(204); }, 4096);
  RouteMatch match = router.Find("PUT", "/upload/x");
  ASSERT_NE(match.route, nullptr);
  EXPECT_TRUE(std::holds_alternative<StreamOpener>(match.route->action));
  EXPECT_EQ(match.route->options.max_body_bytes, 4096U);
}

}  // namespace
}  // namespace otter::http
