#include "treehub/errors.h"

#include <string>

namespace otter::treehub {
namespace {

class TreehubCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "otter.treehub"; }
  std::string message(int value) const override {
    switch (static_cast<TreehubErrc>(value)) {
      case TreehubErrc::kInvalidObjectName:
        return "invalid object name";
      case TreehubErrc::kUnknownObjectType:
        return "unknown object type";
      case TreehubErrc::kInvalidChecksum:
        return "invalid checksum";
      case TreehubErrc::kHashMismatch:
        return "hash mismatch";
      case TreehubErrc::kMalformedObject:
        return "malformed object";
      case TreehubErrc::kTooLarge:
        return "too large";
      case TreehubErrc::kInvalidRef:
        return "invalid ref name";
      case TreehubErrc::kNotFound:
        return "not found";
      case TreehubErrc::kUnknownCommit:
        return "unknown commit";
      case TreehubErrc::kIncompleteCommit:
        return "incomplete commit";
      case TreehubErrc::kNotFastForward:
        return "not a fast-forward";
      case TreehubErrc::kRefConflict:
        return "ref conflict";
      case TreehubErrc::kNoSpace:
        return "no space left";
      case TreehubErrc::kRepository:
        return "repository error";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& TreehubCategory() {
  static const TreehubCategoryImpl category;
  return category;
}

}  // namespace otter::treehub
