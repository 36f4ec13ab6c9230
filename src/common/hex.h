// Lowercase hexadecimal encoding of byte strings.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace otter {

std::string HexEncode(std::string_view bytes);
// Accepts upper- and lowercase digits; fails on odd length or a non-digit.
Result<std::string> HexDecode(std::string_view hex);

}  // namespace otter
