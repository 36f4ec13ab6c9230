#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/errors.h"
#include "common/http_client.h"
#include "http_server/http_server.h"
#include "unit/http_server/server_harness.h"

namespace otter::http {
namespace {

using namespace harness;  // NOLINT: test helpers

nlohmann::json Echo(const Request& request) {
  return {{"method", request.method},        {"path", request.path}, {"params", request.params},
          {"query", request.query},          {"body", request.body}, {"headers", request.headers},
          {"remote", request.remote_address}};
}

Router EchoRouter() {
  Router router;
  auto echo = [](const Request& request) { return Response::Json(200, Echo(request)); };
  router.Add("GET", "/items/{id}", echo);
  router.Add("PUT", "/items/{id}", echo, RouteOptions{.max_body_bytes = 1024});
  router.Add("GET", "/files/{path...}", echo);
  router.Add("POST", "/echo", echo);
  return router;
}

Result<HttpResponse> Send(const HttpServer& server, std::string method, std::string path,
                          std::string body = "", std::map<std::string, std::string> headers = {}) {
  HttpClient client;
  HttpRequest request;
  request.method = std::move(method);
  request.url = Url(server, path);
  request.body = std::move(body);
  request.headers = std::move(headers);
  return client.Send(request);
}

nlohmann::json JsonBody(const HttpResponse& response) {
  return nlohmann::json::parse(response.body, nullptr, false);
}

TEST(HttpServer, RoutesWithParamsQueryAndHeaders) {
  auto server = MustStart(EchoRouter());
  auto response = Send(*server, "GET", "/items/a%20b?x=1&y=two+words", "", {{"X-Thing", "v"}});
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->headers["content-type"], "application/json");
  const nlohmann::json echo = JsonBody(*response);
  EXPECT_EQ(echo["path"], "/items/a b");
  EXPECT_EQ(echo["params"]["id"], "a b");
  EXPECT_EQ(echo["query"]["y"], "two words");
  EXPECT_EQ(echo["headers"]["x-thing"], "v");
  EXPECT_EQ(echo["remote"], "127.0.0.1");
}

TEST(HttpServer, WildcardRoute) {
  auto server = MustStart(EchoRouter());
  auto response = Send(*server, "GET", "/files/objects/ab/cdef.commit");
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(JsonBody(*response)["params"]["path"], "objects/ab/cdef.commit");
}

TEST(HttpServer, NoRouteIs404AndWrongMethodIs405) {
  auto server = MustStart(EchoRouter());
  auto missing = Send(*server, "GET", "/nothing");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(JsonBody(*missing)["code"], "not_found");
  auto wrong = Send(*server, "DELETE", "/items/1");
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->headers["allow"], "GET, HEAD, PUT");
  EXPECT_EQ(JsonBody(*wrong)["code"], "method_not_allowed");
}

TEST(HttpServer, JsonAndErrorResponses) {
  Router router;
  router.Add("GET", "/json", [](const Request&) {
    return Response::Json(201, {{"a", 1}, {"b", {true, nullptr}}});
  });
  router.Add("GET", "/error", [](const Request&) {
    return Response::Error(409, "device_already_registered", "taken");
  });
  auto server = MustStart(std::move(router));
  auto json = Send(*server, "GET", "/json");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->status, 201);
  EXPECT_EQ(JsonBody(*json), nlohmann::json::parse(R"({"a":1,"b":[true,null]})"));
  auto error = Send(*server, "GET", "/error");
  ASSERT_TRUE(error.ok());
  EXPECT_EQ(error->status, 409);
  EXPECT_EQ(JsonBody(*error),
            nlohmann::json::parse(R"({"code":"device_already_registered","description":"taken"})"));
}

TEST(HttpServer, RequestBodyWithinTheLimit) {
  auto server = MustStart(EchoRouter());
  auto response = Send(*server, "PUT", "/items/7", std::string(1024, 'b'));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(JsonBody(*response)["body"], std::string(1024, 'b'));
}

TEST(HttpServer, ContentLengthPastTheLimitIs413) {
  std::atomic<int> calls = 0;
  Router router;
  router.Add(
      "PUT", "/small",
      [&calls](const Request&) {
        ++calls;
        return Response::Empty(204);
      },
      RouteOptions{.max_body_bytes = 1024});
  auto server = MustStart(std::move(router));
  auto response = Send(*server, "PUT", "/small", std::string(1025, 'b'));
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(JsonBody(*response)["code"], "payload_too_large");
  auto large = Send(*server, "PUT", "/small", std::string(4 * 1024 * 1024, 'b'));
  ASSERT_TRUE(large.ok()) << large.error().message();
  EXPECT_EQ(large->status, 413);
  EXPECT_EQ(calls, 0);
}

TEST(HttpServer, DefaultBodyLimitIsOneMebibyte) {
  auto server = MustStart(EchoRouter());
  auto response = Send(*server, "POST", "/echo", std::string(kDefaultMaxBodyBytes + 1, 'b'));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 413);
}

std::string Chunked(std::size_t chunks, std::size_t chunk_bytes) {
  std::string body;
  char size[32];
  std::snprintf(size, sizeof(size), "%zx\r\n", chunk_bytes);
  for (std::size_t i = 0; i < chunks; ++i) body += size + std::string(chunk_bytes, 'c') + "\r\n";
  return body + "0\r\n\r\n";
}

constexpr char kChunkedPut[] =
    "PUT /items/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";

TEST(HttpServer, ChunkedBodyWithinTheLimit) {
  auto server = MustStart(EchoRouter());
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send(kChunkedPut + Chunked(4, 256)));
  const std::string response = connection.Read(2s, std::string(1024, 'c'));
  EXPECT_TRUE(response.starts_with("HTTP/1.1 200")) << response.substr(0, 200);
}

TEST(HttpServer, ChunkedBodyPastTheLimitIs413) {
  auto server = MustStart(EchoRouter());
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send(kChunkedPut + Chunked(5, 256)));
  const std::string response = connection.Read(3s);
  EXPECT_TRUE(response.starts_with("HTTP/1.1 413")) << response.substr(0, 200);
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(connection.closed());
}

TEST(HttpServer, HeadersPastTheLimitAre431) {
  auto server = MustStart(EchoRouter());
  auto response = Send(*server, "GET", "/items/1", "", {{"X-Big", std::string(20 * 1024, 'h')}});
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 431);
}

TEST(HttpServer, BadPathsAre400BeforeRouting) {
  std::atomic<int> calls = 0;
  Router router;
  router.Add("GET", "/{path...}", [&calls](const Request&) {
    ++calls;
    return Response::Empty(204);
  });
  auto server = MustStart(std::move(router));
  for (const char* target : {"/a/../b", "/a/%2e%2e/b", "/a%00", "/a%zz", "/a%2fb", "/a?x=%"}) {
    RawConnection connection(server->port());
    ASSERT_TRUE(connection.Send("GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string response = connection.Read(2s);
    EXPECT_TRUE(response.starts_with("HTTP/1.1 400")) << target << ": " << response;
    EXPECT_TRUE(connection.closed()) << target;
  }
  EXPECT_EQ(calls, 0);
}

TEST(HttpServer, MalformedRequestsAre400AndClose) {
  auto server = MustStart(EchoRouter());
  for (const char* request :
       {"GARBAGE\r\n\r\n", "GET /items/1 HTTP/1.1\r\nBad Header\r\n\r\n",
        "GET /items/1 HTTP/1.1\r\nContent-Length: x\r\n\r\n",
        "PUT /items/1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    RawConnection connection(server->port());
    ASSERT_TRUE(connection.Send(request));
    const std::string response = connection.Read(2s);
    EXPECT_TRUE(response.starts_with("HTTP/1.1 400")) << request << " -> " << response;
    EXPECT_TRUE(connection.closed());
  }
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto server = MustStart(EchoRouter());
  HttpClient client;
  for (int i = 0; i < 3; ++i) {
    auto response = client.Get(Url(*server, "/items/" + std::to_string(i)), 65536);
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->status, 200);
  }
  EXPECT_EQ(server->connections_accepted(), 1U);
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  auto server = MustStart(EchoRouter());
  RawConnection connection(server->port());
  ASSERT_TRUE(
      connection.Send("GET /items/first HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /items/second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string responses = connection.Read(2s);
  const auto first = responses.find("/items/first");
  const auto second = responses.find("/items/second");
  ASSERT_NE(first, std::string::npos) << responses;
  ASSERT_NE(second, std::string::npos) << responses;
  EXPECT_LT(first, second);
  EXPECT_TRUE(connection.closed());
}

TEST(HttpServer, AnswersExpectContinue) {
  auto server = MustStart(EchoRouter());
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send(
      "PUT /items/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_TRUE(connection.Read(2s, "\r\n\r\n").starts_with("HTTP/1.1 100 Continue\r\n"));
  ASSERT_TRUE(connection.Send("hello"));
  const std::string response = connection.Read(2s, "hello");
  EXPECT_TRUE(response.starts_with("HTTP/1.1 200")) << response;
}

TEST(HttpServer, HeadUsesTheGetRouteWithoutABody) {
  auto server = MustStart(EchoRouter());
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("HEAD /items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string response = connection.Read(2s);
  EXPECT_TRUE(response.starts_with("HTTP/1.1 200")) << response;
  EXPECT_NE(response.find("Content-Length: "), std::string::npos);
  EXPECT_TRUE(response.ends_with("\r\n\r\n")) << response;
}

TEST(HttpServer, HandlerExceptionIs500) {
  Router router;
  router.Add("GET", "/throws",
             [](const Request&) -> Response { throw std::runtime_error("boom"); });
  auto server = MustStart(std::move(router));
  auto response = Send(*server, "GET", "/throws");
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(JsonBody(*response)["code"], "internal_error");
}

TEST(HttpServer, SlowHandlerDoesNotBlockOtherRequests) {
  std::promise<void> slow_started;
  Router router;
  router.Add("GET", "/slow", [&slow_started](const Request&) {
    slow_started.set_value();
    std::this_thread::sleep_for(800ms);
    return Response::Text(200, "slow");
  });
  router.Add("GET", "/fast", [](const Request&) { return Response::Text(200, "fast"); });
  auto server = MustStart(std::move(router));  // one I/O thread
  auto slow = std::async(std::launch::async, [&] { return Send(*server, "GET", "/slow"); });
  slow_started.get_future().wait();
  const auto start = SteadyClock::now();
  auto fast = Send(*server, "GET", "/fast");
  EXPECT_LT(Since(start), 400ms);
  ASSERT_TRUE(fast.ok());
  EXPECT_EQ(fast->body, "fast");
  auto slow_response = slow.get();
  ASSERT_TRUE(slow_response.ok());
  EXPECT_EQ(slow_response->body, "slow");
}

TEST(HttpServer, StalledHeadersCloseTheConnection) {
  ServerOptions options = FastOptions();
  options.read_timeout = 300ms;
  auto server = MustStart(EchoRouter(), options);
  RawConnection connection(server->port());
  const auto start = SteadyClock::now();
  ASSERT_TRUE(connection.Send("GET /items/1 HTTP/1.1\r\nHost: x\r\n"));  // no blank line
  EXPECT_EQ(connection.Read(3s), "");
  EXPECT_TRUE(connection.closed());
  EXPECT_GE(Since(start), 250ms);
  EXPECT_LT(Since(start), 2s);
}

TEST(HttpServer, SilentNewConnectionIsClosedAfterTheReadTimeout) {
  ServerOptions options = FastOptions();
  options.read_timeout = 300ms;
  options.idle_timeout = 30s;  // only between requests
  auto server = MustStart(EchoRouter(), options);
  RawConnection connection(server->port());
  const auto start = SteadyClock::now();
  EXPECT_EQ(connection.Read(3s), "");
  EXPECT_TRUE(connection.closed());
  EXPECT_LT(Since(start), 2s);
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosed) {
  ServerOptions options = FastOptions();
  options.idle_timeout = 300ms;
  auto server = MustStart(EchoRouter(), options);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto start = SteadyClock::now();
  const std::string response = connection.Read(3s);
  EXPECT_TRUE(response.starts_with("HTTP/1.1 200"));
  EXPECT_TRUE(connection.closed());
  EXPECT_LT(Since(start), 2s);
}

TEST(HttpServer, ConnectionsPastTheLimitAreClosed) {
  ServerOptions options = FastOptions();
  options.max_connections = 2;
  auto server = MustStart(EchoRouter(), options);
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < 2; ++i) {
    open.push_back(std::make_unique<RawConnection>(server->port()));
    ASSERT_TRUE(open.back()->Send("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_TRUE(open.back()->Read(2s, "}").starts_with("HTTP/1.1 200"));
  }
  RawConnection refused(server->port());
  refused.Send("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(refused.Read(2s), "");
  EXPECT_TRUE(refused.closed());
  EXPECT_EQ(server->open_connections(), 2U);
  open.clear();
  const auto start = SteadyClock::now();
  while (server->open_connections() > 0 && Since(start) < 2s) std::this_thread::sleep_for(10ms);
  auto response = Send(*server, "GET", "/items/2");
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
}

TEST(HttpServer, StopCompletesTheRequestInFlight) {
  std::promise<void> started;
  Router router;
  router.Add("GET", "/slow", [&started](const Request&) {
    started.set_value();
    std::this_thread::sleep_for(500ms);
    return Response::Text(200, "done");
  });
  auto server = MustStart(std::move(router));
  const std::string url = Url(*server, "/slow");
  auto in_flight = std::async(std::launch::async, [&] { return HttpClient().Get(url, 1024); });
  started.get_future().wait();
  server->Stop(5s);
  auto response = in_flight.get();
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "done");
  EXPECT_FALSE(HttpClient().Get(url, 1024).ok());  // no longer listening
}

TEST(HttpServer, StopClosesIdleConnectionsAtOnce) {
  ServerOptions options = FastOptions();
  options.idle_timeout = 30s;
  auto server = MustStart(EchoRouter(), options);
  RawConnection idle(server->port());
  ASSERT_TRUE(idle.Send("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(idle.Read(2s, "}").starts_with("HTTP/1.1 200"));
  const auto start = SteadyClock::now();
  server->Stop(10s);
  EXPECT_LT(Since(start), 1s);
  idle.Read(1s);
  EXPECT_TRUE(idle.closed());
}

TEST(HttpServer, StopClosesBusyConnectionsAfterTheGracePeriod) {
  std::promise<void> started;
  Router router;
  router.Add("GET", "/slow", [&started](const Request&) {
    started.set_value();
    std::this_thread::sleep_for(700ms);
    return Response::Text(200, "late");
  });
  auto server = MustStart(std::move(router));
  const std::string url = Url(*server, "/slow");
  auto in_flight = std::async(std::launch::async, [&] { return HttpClient().Get(url, 1024); });
  started.get_future().wait();
  const auto start = SteadyClock::now();
  server->Stop(100ms);
  EXPECT_GE(Since(start), 500ms);  // joined the handler
  EXPECT_FALSE(in_flight.get().ok());
}

TEST(HttpServer, StartFailsOnABadRouterOrAddress) {
  Router bad_router;
  bad_router.Add("GET", "relative", [](const Request&) { return Response::Empty(204); });
  auto bad_pattern = HttpServer::Start(FastOptions(), std::move(bad_router));
  ASSERT_FALSE(bad_pattern.ok());
  EXPECT_TRUE(bad_pattern.error().Is(CommonErrc::kInvalidArgument));

  ServerOptions options = FastOptions();
  options.listeners[0].address = "not an address";
  EXPECT_FALSE(HttpServer::Start(options, EchoRouter()).ok());

  auto first = MustStart(EchoRouter());
  options.listeners[0] = ListenerOptions{.address = "127.0.0.1", .port = first->port(), .tls = {}};
  auto taken = HttpServer::Start(options, EchoRouter());
  ASSERT_FALSE(taken.ok());
  EXPECT_TRUE(taken.error().Is(CommonErrc::kNetwork)) << taken.error().message();
}

TEST(HttpServer, SeveralListeners) {
  ServerOptions options = FastOptions();
  options.listeners.push_back(ListenerOptions{});
  auto server = MustStart(EchoRouter(), options);
  ASSERT_NE(server->port(0), server->port(1));
  auto response =
      HttpClient().Get("http://127.0.0.1:" + std::to_string(server->port(1)) + "/items/x", 65536);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
}

TEST(HttpServer, LogsOneDebugLinePerRequest) {
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "http-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  logger->set_level(spdlog::level::debug);
  logger->set_pattern("%v");
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  {
    auto server = MustStart(EchoRouter());
    auto response = Send(*server, "PUT", "/items/42?secret=x", "body-not-logged");
    ASSERT_TRUE(response.ok());
  }
  spdlog::set_default_logger(previous);
  const std::string text = log.str();
  EXPECT_NE(text.find("http PUT /items/42 200 "), std::string::npos) << text;
  EXPECT_NE(text.find("from 127.0.0.1 cn=-"), std::string::npos) << text;
  EXPECT_EQ(text.find("body-not-logged"), std::string::npos);
  EXPECT_EQ(text.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace otter::http
