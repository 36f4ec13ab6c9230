// Error codes of the `otter` CLI. Exit codes: kUsage is 2, every other
// failure 1 (see app.h).
#pragma once

#include <system_error>

#include "common/errors.h"

namespace otter::cli {

enum class CliErrc {
  kUsage = 1,         // arguments that cannot work together: exit 2
  kInvalidInput,      // a local file or value that is not what the command needs
  kUnauthorized,      // the server refused the token (401/403)
  kNotFound,          // the server has no such thing (404)
  kConflict,          // the server refused because of its state (409)
  kChangedMeanwhile,  // the targets changed since they were pulled (412)
  kRefused,           // any other 4xx
  kServer,            // 5xx, or an answer that cannot be read
};

const std::error_category& CliCategory();

inline std::error_code make_error_code(CliErrc e) {  // NOLINT: ADL name
  return {static_cast<int>(e), CliCategory()};
}

}  // namespace otter::cli

template <>
struct std::is_error_code_enum<otter::cli::CliErrc> : std::true_type {};
