#include "http_server/byte_range.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace otter::http {
namespace {

using Kind = RangeRequest::Kind;

std::optional<std::uint64_t> ParseNumber(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [last, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || last != end) return std::nullopt;
  return value;
}

RangeRequest Part(std::uint64_t first, std::uint64_t last) {
  return {.kind = Kind::kPart, .first = first, .last = last};
}

// "-N": the last N bytes.
RangeRequest Suffix(std::string_view length_text, std::uint64_t size) {
  const std::optional<std::uint64_t> length = ParseNumber(length_text);
  if (!length) return {};
  if (*length == 0 || size == 0) return {.kind = Kind::kUnsatisfiable};
  return Part(size - std::min(*length, size), size - 1);
}

}  // namespace

RangeRequest ParseRange(std::string_view header, std::uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit) || header.find(',') != std::string_view::npos) return {};
  const std::string_view spec = header.substr(kUnit.size());
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  if (dash == 0) return Suffix(spec.substr(1), size);
  const std::optional<std::uint64_t> first = ParseNumber(spec.substr(0, dash));
  const std::string_view last_text = spec.substr(dash + 1);
  const std::optional<std::uint64_t> last =
      last_text.empty() ? std::optional<std::uint64_t>(UINT64_MAX) : ParseNumber(last_text);
  if (!first || !last || *last < *first) return {};
  if (*first >= size) return {.kind = Kind::kUnsatisfiable};
  return Part(*first, std::min(*last, size - 1));
}

}  // namespace otter::http
