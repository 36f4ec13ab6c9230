// A parsed time must format back to exactly the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/time.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto time = otter::ParseTime(text);
  if (time && otter::FormatTime(*time) != text) std::abort();
  return 0;
}
