#include "common/hex.h"

#include "common/errors.h"

namespace otter {
namespace {

constexpr std::string_view kDigits = "0123456789abcdef";

// The value of a hex digit, or -1.
int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0x0f];
  }
  return hex;
}

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return MakeError(CommonErrc::kParse, "hex string has odd length " + std::to_string(hex.size()));
  }
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = DigitValue(hex[i]);
    const int low = DigitValue(hex[i + 1]);
    if (high < 0 || low < 0) {
      return MakeError(CommonErrc::kParse,
                       "invalid hex digit at offset " + std::to_string(high < 0 ? i : i + 1));
    }
    bytes += static_cast<char>(high << 4 | low);
  }
  return bytes;
}

}  // namespace otter
