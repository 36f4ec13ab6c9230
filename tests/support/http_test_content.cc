#include "support/http_test_content.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace otter::testing::http_test {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The decoded byte of "%XX" at `at`, or -1.
int EscapedByte(std::string_view text, std::size_t at) {
  if (text[at] != '%' || at + 2 >= text.size()) return -1;
  int high = HexDigit(text[at + 1]);
  int low = HexDigit(text[at + 2]);
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

bool LeavesRoot(const std::filesystem::path& relative) {
  if (relative.is_absolute() || relative.has_root_name()) return true;
  for (const auto& part : relative) {
    if (part == "..") return true;
  }
  return false;
}

std::optional<std::uint64_t> ParseNumber(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

struct ByteRange {
  std::uint64_t first = 0;
  std::optional<std::uint64_t> last;
};

std::optional<ByteRange> ParseRange(std::string_view header) {
  constexpr std::string_view kPrefix = "bytes=";
  if (!header.starts_with(kPrefix)) return std::nullopt;
  header.remove_prefix(kPrefix.size());
  auto dash = header.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto first = ParseNumber(header.substr(0, dash));
  if (!first) return std::nullopt;
  ByteRange range{.first = *first, .last = std::nullopt};
  if (dash + 1 == header.size()) return range;
  range.last = ParseNumber(header.substr(dash + 1));
  if (!range.last || *range.last < range.first) return std::nullopt;
  return range;
}

}  // namespace

std::string DecodePath(std::string_view target) {
  target = target.substr(0, target.find('?'));
  if (target.starts_with('/')) target.remove_prefix(1);
  std::string path;
  for (std::size_t i = 0; i < target.size(); ++i) {
    int byte = EscapedByte(target, i);
    path.push_back(byte < 0 ? target[i] : static_cast<char>(byte));
    if (byte >= 0) i += 2;
  }
  return path;
}

std::optional<HttpTestResponse> ReadFromDirectory(const std::filesystem::path& root,
                                                  const std::string& path) {
  std::filesystem::path relative(path);
  if (LeavesRoot(relative)) return TextResponse(403, "forbidden");
  std::filesystem::path full = root / relative;
  std::error_code error;
  if (!std::filesystem::is_regular_file(full, error)) return std::nullopt;
  std::ifstream file(full, std::ios::binary);
  if (!file) return TextResponse(500, "cannot read " + path);
  std::ostringstream content;
  content << file.rdbuf();
  return HttpTestResponse{.status = 200, .body = content.str(), .headers = {}};
}

void ApplyRange(const HttpTestRequest& request, HttpTestResponse& response) {
  auto header = request.headers.find("range");
  if (response.status != 200 || header == request.headers.end()) return;
  auto range = ParseRange(header->second);
  if (!range) return;
  std::uint64_t size = response.body.size();
  if (range->first >= size) {
    response = TextResponse(416, "range not satisfiable");
    response.headers["Content-Range"] = "bytes */" + std::to_string(size);
    return;
  }
  std::uint64_t last = std::min(range->last.value_or(size - 1), size - 1);
  response.status = 206;
  response.headers["Content-Range"] = "bytes " + std::to_string(range->first) + "-" +
                                      std::to_string(last) + "/" + std::to_string(size);
  response.body = response.body.substr(range->first, last - range->first + 1);
}

HttpTestResponse TextResponse(unsigned status, std::string body) {
  return HttpTestResponse{
      .status = status, .body = std::move(body), .headers = {{"Content-Type", "text/plain"}}};
}

}  // namespace otter::testing::http_test
