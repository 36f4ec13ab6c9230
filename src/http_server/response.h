// What a handler answers: a status, headers, and a body that is either held
// in memory or streamed from a file.
#pragma once

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "http_server/request.h"

namespace otter::http {

struct Response {
  unsigned status = 200;
  // Lowercase names. The server sets content-length and connection itself.
  Fields headers;
  std::string body;
  // Set by File(): the body is read from this file while it is sent.
  std::optional<std::filesystem::path> file;

  // Sets a header (the name is lowercased) and returns *this.
  Response& WithHeader(std::string_view name, std::string value);

  static Response Json(unsigned status, const nlohmann::json& value);
  // {"code": code, "description": description}, as JSON.
  static Response Error(unsigned status, std::string_view code, std::string_view description);
  static Response Text(unsigned status, std::string text);  // text/plain
  static Response Empty(unsigned status);                   // no body, e.g. 204
  // Serves a file from disk without loading it: `Range: bytes=N-`,
  // `bytes=N-M` and `bytes=-N` answer 206 with Content-Range, a range that
  // starts past the end 416; a missing file answers 404. Other or several
  // ranges, or an If-Range header, get the whole file.
  static Response File(std::filesystem::path path, std::string content_type);
};

}  // namespace otter::http
