#include "cli/output.h"

#include <algorithm>
#include <cstdio>

namespace otter::cli {

std::string FormatTable(const Row& headers, const std::vector<Row>& rows) {
  if (rows.empty()) return "(none)\n";
  std::vector<std::size_t> widths(headers.size(), 0);
  auto measure = [&](const Row& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  };
  measure(headers);
  for (const Row& row : rows) measure(row);
  std::string text;
  auto append = [&](const Row& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    text += line + "\n";
  };
  append(headers);
  for (const Row& row : rows) append(row);
  return text;
}

std::string FormatBytes(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string Cell(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string Field(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object() || !object.contains(key)) return "-";
  return Cell(object[key]);
}

std::string ShortHash(std::string_view hash) { return std::string(hash.substr(0, 12)); }

}  // namespace otter::cli
