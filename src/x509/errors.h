// Error codes of the x509 module.
#pragma once

#include <system_error>

#include "common/errors.h"

namespace otter::x509 {

enum class X509Errc {
  kMalformed = 1,    // not a certificate, CSR or PKCS#12 we can read
  kInvalidArgument,  // a name, role, SAN or validity we refuse to issue
  kBadSignature,     // a certificate or CSR signature does not verify
  kWrongIssuer,      // the certificate names another issuer
  kNotCa,            // the issuer is not a CA certificate
  kNameMismatch,     // a CSR asks for another common name
  kKeyMismatch,      // a private key does not belong to the certificate
  kBadPassword,      // PKCS#12 integrity check failed: wrong password
  kNoRole,           // the certificate carries no Otter role
  kUnsupportedKey,   // a key algorithm or size Otter does not use
  kCrypto,           // OpenSSL failed (out of memory, internal error)
};

const std::error_category& X509Category();

inline std::error_code make_error_code(X509Errc e) {  // NOLINT: ADL name
  return {static_cast<int>(e), X509Category()};
}

}  // namespace otter::x509

template <>
struct std::is_error_code_enum<otter::x509::X509Errc> : std::true_type {};
