// Canonical JSON of any parsed document must parse back to the same value
// and be a fixed point of the encoder. The one exception: OLPC canonical JSON
// writes control characters raw, which strict JSON parsers refuse.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "common/canonical_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto value = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return 0;
  auto canonical = otter::CanonicalJson(value);
  if (!canonical) return 0;  // floats are refused
  auto reparsed = nlohmann::json::parse(*canonical, nullptr, false);
  if (reparsed.is_discarded()) {
    if (std::none_of(canonical->begin(), canonical->end(), [](char c) { return c >= 0 && c < 0x20; }))
      std::abort();
    return 0;
  }
  if (reparsed != value) std::abort();
  auto again = otter::CanonicalJson(reparsed);
  if (!again || *again != *canonical) std::abort();
  return 0;
}
