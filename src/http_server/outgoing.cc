#include "http_server/outgoing.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <string>

#include "http_server/byte_range.h"

namespace otter::http {
namespace {

bool IsFramingHeader(std::string_view name) {
  return name == "content-length" || name == "transfer-encoding" || name == "connection";
}

bool IsSafeHeader(std::string_view name, std::string_view value) {
  constexpr std::string_view kBreaking("\r\n\0", 3);
  return !name.empty() && name.find_first_of(kBreaking) == std::string_view::npos &&
         name.find_first_of(" :") == std::string_view::npos &&
         value.find_first_of(kBreaking) == std::string_view::npos;
}

template <typename Message>
void CopyHeaders(const Fields& headers, Message& message) {
  for (const auto& [name, value] : headers) {
    if (IsFramingHeader(name)) continue;
    if (IsSafeHeader(name, value)) {
      message.set(name, value);
    } else {
      spdlog::warn("http: dropping response header {:?} with a line break or NUL", name);
    }
  }
}

unsigned ValidStatus(unsigned status) { return status >= 100 && status <= 599 ? status : 500; }

bool AllowsBody(unsigned status) { return status >= 200 && status != 204 && status != 304; }

StringMessage ToMessage(Response response) {
  StringMessage message;
  message.result(ValidStatus(response.status));
  CopyHeaders(response.headers, message);
  if (AllowsBody(message.result_int())) message.body() = std::move(response.body);
  message.prepare_payload();
  return message;
}

std::string ContentRange(const RangeRequest& range, std::uint64_t size) {
  return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
         std::to_string(size);
}

StringMessage Unsatisfiable(std::uint64_t size) {
  return ToMessage(Response::Error(416, "range_not_satisfiable", "range outside the file")
                       .WithHeader("content-range", "bytes */" + std::to_string(size)));
}

RangeRequest WantedRange(const Request& request, std::uint64_t size) {
  const std::optional<std::string_view> range = request.Header("range");
  // Without comparing validators, an If-Range can only be answered in full.
  if (!range || request.Header("if-range")) return {};
  return ParseRange(*range, size);
}

OutgoingResponse FileMessageFor(const Response& response, FileWindow window,
                                const RangeRequest& range, std::uint64_t size) {
  FileMessage message;
  message.result(ValidStatus(response.status));
  CopyHeaders(response.headers, message);
  message.set(beast_http::field::accept_ranges, "bytes");
  ErrorCode ec;
  if (range.kind == RangeRequest::Kind::kPart) {
    window.Narrow(range.first, range.last - range.first + 1, ec);
    message.result(beast_http::status::partial_content);
    message.set(beast_http::field::content_range, ContentRange(range, size));
  }
  if (!ec) message.body().reset(std::move(window), ec);
  if (ec) return ToMessage(Response::Error(500, "internal_error", "cannot read the file"));
  message.prepare_payload();
  return message;
}

OutgoingResponse PrepareFile(const Response& response, const Request& request) {
  const std::filesystem::path& path = *response.file;
  std::error_code fs_error;
  if (!std::filesystem::is_regular_file(path, fs_error)) {
    return ToMessage(Response::Error(404, "not_found", "no such file"));
  }
  ErrorCode ec;
  FileWindow window;
  window.open(path.c_str(), beast::file_mode::scan, ec);
  const std::uint64_t size = ec ? 0 : window.size(ec);
  if (ec) {
    spdlog::warn("http: opening {}: {}", path.string(), ec.message());
    return ToMessage(Response::Error(500, "internal_error", "cannot read the file"));
  }
  const RangeRequest range = WantedRange(request, size);
  if (range.kind == RangeRequest::Kind::kUnsatisfiable) return Unsatisfiable(size);
  return FileMessageFor(response, std::move(window), range, size);
}

}  // namespace

OutgoingResponse Prepare(Response response, const Request& request) {
  if (response.file) return PrepareFile(response, request);
  return ToMessage(std::move(response));
}

std::uint64_t BodyBytes(const OutgoingResponse& response) {
  return std::visit([](const auto& message) -> std::uint64_t { return message.body().size(); },
                    response);
}

unsigned StatusCode(const OutgoingResponse& response) {
  return std::visit([](const auto& message) { return message.result_int(); }, response);
}

}  // namespace otter::http
