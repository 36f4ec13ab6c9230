#include "cli/duration.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

#include "cli/errors.h"

namespace otter::cli {
namespace {

std::optional<std::int64_t> UnitSeconds(char unit) {
  switch (unit) {
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 3600;
    case 'd':
      return 86400;
    case 'w':
      return 7 * 86400;
    case 'y':
      return 365 * 86400;
    default:
      return std::nullopt;
  }
}

Error BadDuration(std::string_view text) {
  return MakeError(CliErrc::kUsage, "invalid duration \"" + std::string(text) +
                                        "\": use a count and a unit, e.g. 90d, 12h, 1y");
}

}  // namespace

Result<std::chrono::seconds> ParseDuration(std::string_view text) {
  if (text.size() < 2) return BadDuration(text);
  const auto unit = UnitSeconds(text.back());
  if (!unit) return BadDuration(text);
  std::int64_t count = 0;
  const std::string_view digits = text.substr(0, text.size() - 1);
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  if (error != std::errc() || end != digits.data() + digits.size() || count <= 0 ||
      count > std::int64_t{100} * 365 * 86400 / *unit)
    return BadDuration(text);
  return std::chrono::seconds(count * *unit);
}

}  // namespace otter::cli
