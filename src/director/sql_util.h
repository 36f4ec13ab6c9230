// Small helpers shared by the director's record files. Internal.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"
#include "director/errors.h"

namespace otter::director::internal {

inline long long Seconds(TimePoint time) { return time.time_since_epoch().count(); }
inline TimePoint FromSeconds(long long seconds) { return TimePoint(std::chrono::seconds(seconds)); }

inline Error Malformed(std::string message) {
  return MakeError(DirectorErrc::kMalformed, std::move(message));
}

// Compact JSON text for a column; invalid UTF-8 is replaced, never thrown.
std::string JsonText(const nlohmann::json& value);
// A JSON column read back; null when it does not parse.
nlohmann::json ParseJsonText(const std::string& text);

// 1 to `max_length` bytes of valid UTF-8 without control characters: device
// and ECU serials, hardware ids, event ids. `what` names it in the message.
Status CheckIdentifier(std::string_view value, std::string_view what, std::size_t max_length = 128);
// Valid UTF-8 without NUL bytes (PostgreSQL TEXT refuses both).
bool IsStorableText(std::string_view text);

// A random UUID (version 4), for correlation ids.
Result<std::string> NewUuid();

}  // namespace otter::director::internal
