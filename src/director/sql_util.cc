#include "director/sql_util.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>

#include "common/hex.h"

namespace otter::director::internal {

using nlohmann::json;

std::string JsonText(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json ParseJsonText(const std::string& text) {
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return value.is_discarded() ? json() : value;
}

bool IsStorableText(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return false;
  try {
    (void)json(std::string(text)).dump();  // throws on invalid UTF-8
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

Status CheckIdentifier(std::string_view value, std::string_view what, std::size_t max_length) {
  const bool control = std::any_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
  if (value.empty() || value.size() > max_length || control || !IsStorableText(value)) {
    return Malformed(std::string(what) + " must be 1 to " + std::to_string(max_length) +
                     " bytes of text without control characters");
  }
  return Ok();
}

Result<std::string> NewUuid() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    return MakeError(CommonErrc::kCrypto, "no random bytes for a correlation id");
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string hex =
      HexEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace otter::director::internal
