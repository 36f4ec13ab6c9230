#include <string>

#include "treehub_client/treehub_client.h"

namespace otter::treehub_client {
namespace {

class TreehubClientCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "otter.treehub_client"; }
  std::string message(int value) const override {
    switch (static_cast<TreehubClientErrc>(value)) {
      case TreehubClientErrc::kLocalRepository:
        return "local repository error";
      case TreehubClientErrc::kInvalidArgument:
        return "invalid argument";
      case TreehubClientErrc::kUnauthorized:
        return "unauthorized";
      case TreehubClientErrc::kRejected:
        return "rejected by the server";
      case TreehubClientErrc::kNotFastForward:
        return "not a fast-forward";
      case TreehubClientErrc::kServer:
        return "server error";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& TreehubClientCategory() {
  static const TreehubClientCategoryImpl category;
  return category;
}

}  // namespace otter::treehub_client
