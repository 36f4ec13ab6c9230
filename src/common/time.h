// UTC timestamps in the "YYYY-MM-DDTHH:MM:SSZ" form of TUF metadata, and an
// injectable clock.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace otter {

using TimePoint = std::chrono::sys_seconds;

// Strict: exactly "YYYY-MM-DDTHH:MM:SSZ" with a valid calendar date.
Result<TimePoint> ParseTime(std::string_view text);
std::string FormatTime(TimePoint time);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
};

// A clock for tests and for `--time` overrides: stays where it is set.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint now) : now_(now) {}
  TimePoint Now() const override { return now_; }
  void Set(TimePoint now) { now_ = now; }
  void Advance(std::chrono::seconds by) { now_ += by; }

 private:
  TimePoint now_;
};

}  // namespace otter
