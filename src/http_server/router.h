// Maps a method and a path to a handler.
//
//   Router router;
//   router.Add("GET", "/director/{file}", ServeDirector);
//   router.Add("GET", "/treehub/{path...}", ServeTreehub);
//   router.AddStreamed("PUT", "/treehub/objects/{path...}", OpenUpload, 4ULL << 30);
//
// A pattern is '/'-separated segments: literal text, `{name}` (one
// non-empty segment) and, last, `{name...}` (the rest of the path, zero or
// more segments joined with '/'). Segments are compared after
// percent-decoding. When several routes match, the most specific wins,
// segment by segment: literal before {name} before {name...}. A HEAD
// request uses the GET route when there is no HEAD route. No route for the
// path answers 404, no route for the method 405.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "http_server/request.h"
#include "http_server/response.h"

namespace otter::http {

inline constexpr std::uint64_t kDefaultMaxBodyBytes = 1024 * 1024;

// Runs on a worker thread, never on an I/O thread: it may block.
using Handler = std::function<Response(const Request&)>;

// The receiving end of a streamed request body. Both functions run on worker
// threads, one call at a time. Destroying the stream (which happens on a
// worker too) must clean up what an unfinished body left behind.
struct BodyStream {
  // Receives the body piece by piece, in order. An error aborts the request
  // and closes the connection; it is answered from the error's code:
  // kTooLarge 413, kInvalidArgument or kParse 400, kNotFound 404, else 500.
  std::function<Status(std::string_view chunk)> write{};
  // Called after the last piece; answers the request.
  std::function<Response()> finish{};
};

// Called once the headers of a streamed request have arrived. Returns the
// stream for the body, or a Response to answer without reading the body.
using StreamOpener = std::function<std::variant<BodyStream, Response>(const Request&)>;

struct RouteOptions {
  // A larger body answers 413: from Content-Length before reading, or as
  // soon as a chunked body grows past it.
  std::uint64_t max_body_bytes = kDefaultMaxBodyBytes;
};

struct PatternSegment {
  enum class Kind { kLiteral, kParam, kRest };  // in order of precedence
  Kind kind = Kind::kLiteral;
  std::string text;  // the literal, or the parameter's name
};

struct Route {
  std::string method;
  std::vector<PatternSegment> pattern;
  std::variant<Handler, StreamOpener> action;
  RouteOptions options;
};

struct RouteMatch {
  const Route* route = nullptr;  // nullptr: nothing to run, answer `status`
  unsigned status = 404;         // 404 (no such path) or 405 (not this method)
  std::string allow;             // with 405: "GET, HEAD, PUT"
  Fields params;
};

class Router {
 public:
  void Add(std::string_view method, std::string_view pattern, Handler handler,
           RouteOptions options = {});
  void AddStreamed(std::string_view method, std::string_view pattern, StreamOpener opener,
                   std::uint64_t max_body_bytes);

  // The first invalid pattern added, if any. HttpServer::Start refuses a
  // router with one, so route tables need not check every Add.
  const Status& status() const { return status_; }

  // `path` is a decoded request path: "/director/1.root.json".
  RouteMatch Find(std::string_view method, std::string_view path) const;

 private:
  void AddRoute(std::string_view method, std::string_view pattern,
                std::variant<Handler, StreamOpener> action, RouteOptions options);

  std::vector<Route> routes_;
  Status status_;
};

}  // namespace otter::http
