// Small, durable file helpers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

namespace otter {

// Reads a whole file; fails with kTooLarge past `max_bytes`, kNotFound when
// it does not exist.
Result<std::string> ReadFile(const std::filesystem::path& path,
                             std::uint64_t max_bytes = UINT64_MAX);

// Writes `data` to a temporary file beside `path`, fsyncs it, renames it
// over `path` and fsyncs the folder: readers see the old or the new file,
// never a partial one.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data,
                       std::filesystem::perms perms =
                           std::filesystem::perms::owner_read |
                           std::filesystem::perms::owner_write |
                           std::filesystem::perms::group_read |
                           std::filesystem::perms::others_read);

// Removes a file if it exists and fsyncs the folder.
Status RemoveFileDurably(const std::filesystem::path& path);

}  // namespace otter
