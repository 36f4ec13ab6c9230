// Signing keys on the operator's machine: a private key as PKCS#8 PEM (mode
// 0600) and, beside it, FILE.pub with the TUF public key object
// {"keytype", "scheme", "keyval": {"public"}}.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"

namespace otter::cli {

struct GeneratedKey {
  std::string key_id;
  std::filesystem::path private_path;
  std::filesystem::path public_path;  // private_path + ".pub"
};

// Generates a key and writes both files. Refuses (kInvalidInput) to
// overwrite an existing file: a lost root key cannot be recovered.
Result<GeneratedKey> GenerateKeyFiles(KeyType type, const std::filesystem::path& out);

// "ed25519", "ecdsa", "rsa"; kUsage otherwise.
Result<KeyType> KeyTypeFromName(std::string_view name);

// A private key PEM, with the path in the error.
Result<PrivateKey> LoadSigningKey(const std::filesystem::path& path);
Result<std::vector<PrivateKey>> LoadSigningKeys(const std::vector<std::string>& paths);

// A public key from a TUF key JSON file (FILE.pub), a public key PEM, or a
// private key PEM (its public half).
Result<PublicKey> LoadPublicKey(const std::filesystem::path& path);
Result<std::vector<PublicKey>> LoadPublicKeys(const std::vector<std::string>& paths);

}  // namespace otter::cli
