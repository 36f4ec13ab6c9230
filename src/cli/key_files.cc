#include "cli/key_files.h"

#include <nlohmann/json.hpp>

#include "cli/errors.h"
#include "common/file.h"

namespace otter::cli {
namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kMaxKeyFileBytes = 64 * 1024;

fs::path PublicPathOf(const fs::path& private_path) {
  fs::path path = private_path;
  path += ".pub";
  return path;
}

Status RefuseExisting(const fs::path& path) {
  std::error_code error;
  if (!fs::exists(path, error)) return Ok();
  return MakeError(CliErrc::kInvalidInput,
                   path.string() + " exists: refusing to overwrite a key file");
}

std::string PublicKeyFileText(const PublicKey& key) { return key.ToTufJson().dump(2) + "\n"; }

Result<PublicKey> PublicKeyFromText(const std::string& text) {
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_discarded()) return PublicKey::FromTufJson(parsed);
  if (text.find("PRIVATE KEY-----") != std::string::npos) {
    OTTER_ASSIGN(PrivateKey key, PrivateKey::FromPem(text));
    return key.public_key();
  }
  return PublicKey::FromPem(text);
}

}  // namespace

Result<KeyType> KeyTypeFromName(std::string_view name) {
  if (name == "ed25519") return KeyType::kEd25519;
  if (name == "ecdsa") return KeyType::kEcdsaP256;
  if (name == "rsa") return KeyType::kRsa;
  return MakeError(CliErrc::kUsage,
                   "unknown key type \"" + std::string(name) + "\": ed25519, ecdsa or rsa");
}

Result<GeneratedKey> GenerateKeyFiles(KeyType type, const fs::path& out) {
  const fs::path public_path = PublicPathOf(out);
  OTTER_TRY(RefuseExisting(out));
  OTTER_TRY(RefuseExisting(public_path));
  OTTER_ASSIGN(PrivateKey key, PrivateKey::Generate(type));
  OTTER_TRY_CONTEXT(SavePrivateKey(key, out.string()), "writing " + out.string());
  OTTER_TRY_CONTEXT(WriteFileAtomic(public_path, PublicKeyFileText(key.public_key())),
                    "writing " + public_path.string());
  return GeneratedKey{key.KeyId(), out, public_path};
}

Result<PrivateKey> LoadSigningKey(const fs::path& path) {
  auto key = LoadPrivateKey(path.string());
  if (!key) return std::move(key).error().WithContext("loading key " + path.string());
  return key;
}

Result<std::vector<PrivateKey>> LoadSigningKeys(const std::vector<std::string>& paths) {
  std::vector<PrivateKey> keys;
  for (const std::string& path : paths) {
    OTTER_ASSIGN(PrivateKey key, LoadSigningKey(path));
    keys.push_back(std::move(key));
  }
  return keys;
}

Result<PublicKey> LoadPublicKey(const fs::path& path) {
  const std::string context = "loading public key " + path.string();
  OTTER_ASSIGN_CONTEXT(const std::string text, ReadFile(path, kMaxKeyFileBytes), context);
  auto key = PublicKeyFromText(text);
  if (!key) return MakeError(CliErrc::kInvalidInput, context + ": " + key.error().message());
  return key;
}

Result<std::vector<PublicKey>> LoadPublicKeys(const std::vector<std::string>& paths) {
  std::vector<PublicKey> keys;
  for (const std::string& path : paths) {
    OTTER_ASSIGN(PublicKey key, LoadPublicKey(path));
    keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace otter::cli
