// Durations on the command line: "90d", "12h", "30m", "45s", "2w", "1y"
// (a year is 365 days).
#pragma once

#include <chrono>
#include <string_view>

#include "common/result.h"

namespace otter::cli {

// A positive count followed by one unit letter; kUsage otherwise.
Result<std::chrono::seconds> ParseDuration(std::string_view text);

}  // namespace otter::cli
