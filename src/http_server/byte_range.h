// The `Range` request header, for the one-range forms that resumable
// downloads use. Internal.
#pragma once

#include <cstdint>
#include <string_view>

namespace otter::http {

struct RangeRequest {
  enum class Kind {
    kWhole,          // no range we serve: send the whole file (RFC 9110 allows it)
    kPart,           // send [first, last]
    kUnsatisfiable,  // 416
  };
  Kind kind = Kind::kWhole;
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

// Reads "bytes=N-", "bytes=N-M" or "bytes=-N" against a body of `size`
// bytes. Anything else, several ranges among them, is kWhole.
RangeRequest ParseRange(std::string_view header, std::uint64_t size);

}  // namespace otter::http
