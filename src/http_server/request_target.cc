#include "http_server/request_target.h"

#include <vector>

#include "common/errors.h"

namespace otter::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto end = text.find(separator);
    parts.push_back(text.substr(0, end));
    if (end == std::string_view::npos) return parts;
    text.remove_prefix(end + 1);
  }
}

Error Invalid(std::string message) {
  return MakeError(CommonErrc::kInvalidArgument, std::move(message));
}

Result<std::string> DecodeSegment(std::string_view raw) {
  std::optional<std::string> segment = PercentDecode(raw, false);
  if (!segment) return Invalid("invalid percent-encoding in path");
  if (segment->find('\0') != std::string::npos) return Invalid("NUL in path");
  if (segment->find('/') != std::string::npos) return Invalid("encoded '/' in path");
  if (*segment == "..") return Invalid("'..' in path");
  return std::move(*segment);
}

Result<std::string> DecodePath(std::string_view raw) {
  std::string path;
  for (std::string_view raw_segment : Split(raw.substr(1), '/')) {
    OTTER_ASSIGN(std::string segment, DecodeSegment(raw_segment));
    path.append("/").append(segment);
  }
  return path;
}

Result<std::string> DecodeQueryPart(std::string_view raw) {
  std::optional<std::string> text = PercentDecode(raw, true);
  if (!text) return Invalid("invalid percent-encoding in query");
  if (text->find('\0') != std::string::npos) return Invalid("NUL in query");
  return std::move(*text);
}

Result<Fields> DecodeQuery(std::string_view raw) {
  Fields query;
  for (std::string_view pair : Split(raw, '&')) {
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    OTTER_ASSIGN(std::string name, DecodeQueryPart(pair.substr(0, equals)));
    std::string value;
    if (equals != std::string_view::npos) {
      OTTER_ASSIGN(value, DecodeQueryPart(pair.substr(equals + 1)));
    }
    query.try_emplace(std::move(name), std::move(value));
  }
  return query;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+' && plus_is_space) {
      decoded.push_back(' ');
    } else if (text[i] != '%') {
      decoded.push_back(text[i]);
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    }
  }
  return decoded;
}

Result<ParsedTarget> ParseTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') return Invalid("target must start with '/'");
  const auto question = target.find('?');
  ParsedTarget parsed;
  OTTER_ASSIGN(parsed.path, DecodePath(target.substr(0, question)));
  if (question != std::string_view::npos) {
    OTTER_ASSIGN(parsed.query, DecodeQuery(target.substr(question + 1)));
  }
  return parsed;
}

}  // namespace otter::http
