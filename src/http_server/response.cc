#include "http_server/response.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace otter::http {
namespace {

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

}  // namespace

Response& Response::WithHeader(std::string_view name, std::string value) {
  headers[Lowercase(name)] = std::move(value);
  return *this;
}

Response Response::Json(unsigned status, const nlohmann::json& value) {
  Response response;
  response.status = status;
  response.headers["content-type"] = "application/json";
  // Invalid UTF-8 is replaced rather than thrown about.
  response.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response Response::Error(unsigned status, std::string_view code, std::string_view description) {
  return Json(status, {{"code", std::string(code)}, {"description", std::string(description)}});
}

Response Response::Text(unsigned status, std::string text) {
  Response response;
  response.status = status;
  response.headers["content-type"] = "text/plain; charset=utf-8";
  response.body = std::move(text);
  return response;
}

Response Response::Empty(unsigned status) {
  Response response;
  response.status = status;
  return response;
}

Response Response::File(std::filesystem::path path, std::string content_type) {
  Response response;
  response.headers["content-type"] = std::move(content_type);
  response.file = std::move(path);
  return response;
}

}  // namespace otter::http
