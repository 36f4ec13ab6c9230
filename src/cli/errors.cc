#include "cli/errors.h"

#include <string>

namespace otter::cli {
namespace {

class CliCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "otter.cli"; }
  std::string message(int value) const override {
    switch (static_cast<CliErrc>(value)) {
      case CliErrc::kUsage:
        return "usage error";
      case CliErrc::kInvalidInput:
        return "invalid input";
      case CliErrc::kUnauthorized:
        return "unauthorized";
      case CliErrc::kNotFound:
        return "not found";
      case CliErrc::kConflict:
        return "conflict";
      case CliErrc::kChangedMeanwhile:
        return "changed meanwhile";
      case CliErrc::kRefused:
        return "refused by the server";
      case CliErrc::kServer:
        return "server failure";
    }
    return "unknown cli error";
  }
};

}  // namespace

const std::error_category& CliCategory() {
  static const CliCategoryImpl category;
  return category;
}

}  // namespace otter::cli
