// Splits and checks a request target ("/a%20b/c?x=1&y") before routing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http_server/request.h"

namespace otter::http {

struct ParsedTarget {
  std::string path;  // decoded: "/a b/c"
  Fields query;      // decoded: {"x": "1", "y": ""}
};

// Fails (kInvalidArgument) on a target that does not start with '/', an
// invalid percent escape, a NUL, a ".." segment, or an encoded '/' inside a
// segment. Empty and "." segments are kept as they are.
Result<ParsedTarget> ParseTarget(std::string_view target);

// Decodes %XX escapes (and '+' as a space when asked); nullopt on a bad
// escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace otter::http
