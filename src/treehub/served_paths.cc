#include "treehub/served_paths.h"

#include <array>
#include <vector>

#include "treehub/treehub.h"

namespace otter::treehub::internal {
namespace {

constexpr std::size_t kMaxDeltaSegments = 6;

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> segments;
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return segments;
    path.remove_prefix(slash + 1);
  }
}

bool IsObjectPath(std::string_view prefix, std::string_view file) {
  constexpr std::array<std::string_view, 5> kExtensions{".commit", ".commitmeta", ".dirtree",
                                                        ".dirmeta", ".filez"};
  const auto dot = file.find('.');
  if (prefix.size() != 2 || dot == std::string_view::npos) return false;
  const std::string checksum = std::string(prefix) + std::string(file.substr(0, dot));
  if (!ValidateChecksum(checksum).ok()) return false;
  for (std::string_view extension : kExtensions) {
    if (file.substr(dot) == extension) return true;
  }
  return false;
}

// Static delta parts and indexes: names of letters, digits, '_', '-' and '.'
// that do not start with '.'.
bool IsDeltaSegment(std::string_view segment) {
  if (segment.empty() || segment.front() == '.') return false;
  for (char c : segment) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool IsDeltaPath(const std::vector<std::string_view>& segments) {
  if (segments.size() < 2 || segments.size() > kMaxDeltaSegments) return false;
  for (std::size_t i = 1; i < segments.size(); ++i) {
    if (!IsDeltaSegment(segments[i])) return false;
  }
  return true;
}

}  // namespace

bool IsServedPath(std::string_view path) {
  if (path == "config" || path == "summary" || path == "summary.sig") return true;
  constexpr std::string_view kHeads = "refs/heads/";
  if (path.starts_with(kHeads)) return ValidateRefName(path.substr(kHeads.size())).ok();
  const std::vector<std::string_view> segments = Split(path);
  if (segments.front() == "objects") {
    return segments.size() == 3 && IsObjectPath(segments[1], segments[2]);
  }
  if (segments.front() == "deltas" || segments.front() == "delta-indexes") {
    return IsDeltaPath(segments);
  }
  return false;
}

}  // namespace otter::treehub::internal
