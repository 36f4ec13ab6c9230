// Canonical JSON (OLPC rules), the byte form that TUF and Uptane sign.
//
// Object keys sorted by code point (byte order of UTF-8), no whitespace,
// integers only, and only '"' and '\' escaped inside strings: every other
// byte, control characters included, is written as is.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"

namespace otter {

// Fails (kInvalidArgument) on a floating-point number anywhere in `value`.
Result<std::string> CanonicalJson(const nlohmann::json& value);

}  // namespace otter
