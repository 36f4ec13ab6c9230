// Error codes of the common module, and helpers to build Errors.
#pragma once

#include <string>
#include <system_error>

#include "common/result.h"

namespace otter {

enum class CommonErrc {
  kInvalidArgument = 1,
  kNotFound,
  kIo,
  kParse,
  kCrypto,
  kNetwork,
  kTimeout,
  kTooLarge,
  kHttpStatus,
  kCancelled,
};

const std::error_category& CommonCategory();

inline std::error_code make_error_code(CommonErrc e) {  // NOLINT: ADL name
  return {static_cast<int>(e), CommonCategory()};
}

// Error(code, message) for any module's error enum.
template <typename Enum>
Error MakeError(Enum code, std::string message) {
  return Error(make_error_code(code), std::move(message));
}

// An I/O error with strerror(errno) appended: "writing x: No space left".
Error ErrnoError(std::string what, int error_number);

}  // namespace otter

template <>
struct std::is_error_code_enum<otter::CommonErrc> : std::true_type {};
