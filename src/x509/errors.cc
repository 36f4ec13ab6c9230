#include "x509/errors.h"

namespace otter::x509 {
namespace {

class X509CategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "otter.x509"; }
  std::string message(int value) const override {
    switch (static_cast<X509Errc>(value)) {
      case X509Errc::kMalformed:
        return "malformed certificate data";
      case X509Errc::kInvalidArgument:
        return "invalid argument";
      case X509Errc::kBadSignature:
        return "bad signature";
      case X509Errc::kWrongIssuer:
        return "wrong issuer";
      case X509Errc::kNotCa:
        return "not a CA certificate";
      case X509Errc::kNameMismatch:
        return "common name mismatch";
      case X509Errc::kKeyMismatch:
        return "key does not match certificate";
      case X509Errc::kBadPassword:
        return "wrong password";
      case X509Errc::kNoRole:
        return "no role";
      case X509Errc::kUnsupportedKey:
        return "unsupported key";
      case X509Errc::kCrypto:
        return "crypto error";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& X509Category() {
  static const X509CategoryImpl category;
  return category;
}

}  // namespace otter::x509
