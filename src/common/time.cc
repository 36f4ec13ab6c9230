#include "common/time.h"

#include <cstdio>

#include "common/errors.h"

namespace otter {
namespace {

// 'D' stands for a decimal digit; every other character must match as is.
constexpr std::string_view kPattern = "DDDD-DD-DDTDD:DD:DDZ";

bool MatchesPattern(std::string_view text) {
  if (text.size() != kPattern.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kPattern[i] == 'D' ? !digit : text[i] != kPattern[i]) return false;
  }
  return true;
}

int Number(std::string_view text, std::size_t offset, std::size_t length) {
  int value = 0;
  for (char c : text.substr(offset, length)) value = value * 10 + (c - '0');
  return value;
}

Error BadTime(std::string_view text, std::string_view problem) {
  // Only pattern-sized text is quoted: the input may be hostile.
  const std::string shown = text.size() <= kPattern.size()
                                ? "\"" + std::string(text) + "\""
                                : "of " + std::to_string(text.size()) + " bytes";
  return MakeError(CommonErrc::kParse, "timestamp " + shown + " " + std::string(problem));
}

}  // namespace

Result<TimePoint> ParseTime(std::string_view text) {
  using namespace std::chrono;
  if (!MatchesPattern(text)) return BadTime(text, "is not YYYY-MM-DDTHH:MM:SSZ");
  const year_month_day date{year{Number(text, 0, 4)},
                            month{static_cast<unsigned>(Number(text, 5, 2))},
                            day{static_cast<unsigned>(Number(text, 8, 2))}};
  if (!date.ok()) return BadTime(text, "is not a calendar date");
  const hours hour{Number(text, 11, 2)};
  const minutes minute{Number(text, 14, 2)};
  const seconds second{Number(text, 17, 2)};
  if (hour >= days{1} || minute >= hours{1} || second >= minutes{1}) {
    return BadTime(text, "is not a time of day");
  }
  return sys_days{date} + hour + minute + second;
}

std::string FormatTime(TimePoint time) {
  using namespace std::chrono;
  const sys_days day_start = floor<days>(time);
  const year_month_day date{day_start};
  const hh_mm_ss<seconds> of_day{time - day_start};
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(of_day.hours().count()),
                static_cast<int>(of_day.minutes().count()),
                static_cast<int>(of_day.seconds().count()));
  return text;
}

TimePoint SystemClock::Now() const {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace otter
