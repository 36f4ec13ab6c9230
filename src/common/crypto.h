// Signing keys over OpenSSL 3: Ed25519, ECDSA P-256 and RSA-PSS.
//
// Key types and schemes use TUF's names:
//   ed25519:  keytype "ed25519", scheme "ed25519", public value = 64 hex chars
//   ecdsa:    keytype "ecdsa" (or "ecdsa-sha2-nistp256"),
//             scheme "ecdsa-sha2-nistp256", public value = PEM, DER signatures
//   rsa:      keytype "rsa", scheme "rsassa-pss-sha256", public value = PEM,
//             at least 2048 bits; salt length = digest length
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/result.h"

namespace otter {

enum class KeyType { kEd25519, kEcdsaP256, kRsa };

// "ed25519", "ecdsa" / "ecdsa-sha2-nistp256", "rsa".
Result<KeyType> ParseKeyType(std::string_view keytype);
std::string_view KeyTypeName(KeyType type);  // "ed25519", "ecdsa", "rsa"
std::string_view KeySchemeName(KeyType type);

struct KeyHandle;  // wraps EVP_PKEY

class PublicKey {
 public:
  // From a TUF key object {"keytype", "scheme", "keyval": {"public"}}. The
  // scheme must fit the key type. Unknown extra fields are allowed.
  static Result<PublicKey> FromTufJson(const nlohmann::json& key);
  static Result<PublicKey> FromPem(std::string_view pem);
  // Raw 32-byte Ed25519 public key given as hex.
  static Result<PublicKey> FromEd25519Hex(std::string_view hex);

  KeyType type() const { return type_; }
  // {"keytype", "scheme", "keyval": {"public"}} in TUF form.
  nlohmann::json ToTufJson() const;
  std::string ToPem() const;
  // The TUF "public" value: hex for Ed25519, PEM otherwise.
  std::string PublicValue() const;
  // SHA-256 hex of the canonical JSON of ToTufJson().
  std::string KeyId() const;

  // True only for a valid signature of `message` (raw signature bytes).
  bool Verify(std::string_view message, std::string_view signature) const;

  bool operator==(const PublicKey& other) const;

 private:
  PublicKey(KeyType type, std::shared_ptr<KeyHandle> handle)
      : type_(type), handle_(std::move(handle)) {}
  friend class PrivateKey;

  KeyType type_;
  std::shared_ptr<KeyHandle> handle_;
};

class PrivateKey {
 public:
  // RSA keys are 3072 bits.
  static Result<PrivateKey> Generate(KeyType type);
  // PKCS#8 PEM (unencrypted), or traditional EC / RSA PEM.
  static Result<PrivateKey> FromPem(std::string_view pem);

  KeyType type() const { return type_; }
  std::string ToPem() const;  // PKCS#8
  PublicKey public_key() const;
  std::string KeyId() const { return public_key().KeyId(); }

  // Raw signature bytes (DER for ECDSA).
  Result<std::string> Sign(std::string_view message) const;

 private:
  PrivateKey(KeyType type, std::shared_ptr<KeyHandle> handle)
      : type_(type), handle_(std::move(handle)) {}

  KeyType type_;
  std::shared_ptr<KeyHandle> handle_;
};

// Writes a private key PEM with mode 0600, atomically.
Status SavePrivateKey(const PrivateKey& key, const std::string& path);
Result<PrivateKey> LoadPrivateKey(const std::string& path);

}  // namespace otter
