#include "common/errors.h"

#include <cstring>

namespace otter {
namespace {

class CommonCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "otter.common"; }
  std::string message(int value) const override {
    switch (static_cast<CommonErrc>(value)) {
      case CommonErrc::kInvalidArgument: return "invalid argument";
      case CommonErrc::kNotFound: return "not found";
      case CommonErrc::kIo: return "I/O error";
      case CommonErrc::kParse: return "parse error";
      case CommonErrc::kCrypto: return "crypto error";
      case CommonErrc::kNetwork: return "network error";
      case CommonErrc::kTimeout: return "timeout";
      case CommonErrc::kTooLarge: return "too large";
      case CommonErrc::kHttpStatus: return "HTTP error status";
      case CommonErrc::kCancelled: return "cancelled";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& CommonCategory() {
  static const CommonCategoryImpl category;
  return category;
}

Error ErrnoError(std::string what, int error_number) {
  return MakeError(CommonErrc::kIo, what + ": " + std::strerror(error_number));
}

}  // namespace otter
