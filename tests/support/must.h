// Test support code treats a failure of the code it builds on (generating a
// key, signing, serialising) as a bug in the test, not as an outcome: it
// throws, and GoogleTest reports the exception as a failed test.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace otter::testing {

template <typename T>
T Must(Result<T> result, std::string_view what = "unexpected failure") {
  if (!result) throw std::runtime_error(std::string(what) + ": " + result.error().message());
  return std::move(result).value();
}

inline void MustOk(const Status& status, std::string_view what = "unexpected failure") {
  if (!status) throw std::runtime_error(std::string(what) + ": " + status.error().message());
}

}  // namespace otter::testing
