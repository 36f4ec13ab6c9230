// Human output helpers: aligned tables and short numbers.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace otter::cli {

using Row = std::vector<std::string>;

// Columns padded to the widest cell, two spaces apart, a header line first;
// "(none)" when there are no rows.
std::string FormatTable(const Row& headers, const std::vector<Row>& rows);

// "512 B", "1.5 KiB", "3.2 MiB", "1.0 GiB".
std::string FormatBytes(std::uint64_t bytes);

// A JSON value as a table cell: strings bare, null as "-", the rest as JSON.
std::string Cell(const nlohmann::json& value);
// `object[key]` as a cell, "-" when absent.
std::string Field(const nlohmann::json& object, const std::string& key);

// The first 12 characters of a hash.
std::string ShortHash(std::string_view hash);

}  // namespace otter::cli
