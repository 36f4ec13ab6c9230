#include "uptane/signed_metadata.h"

#include <algorithm>
#include <vector>

#include "common/canonical_json.h"
#include "common/hex.h"
#include "uptane/errors.h"

namespace otter::uptane {
namespace {

using nlohmann::json;

Error Malformed(const std::string& message) { return MakeError(UptaneErrc::kMalformed, message); }

Result<std::vector<Signature>> ParseSignatures(const json& signatures) {
  if (!signatures.is_array()) return Malformed("\"signatures\" is not an array");
  std::vector<Signature> out;
  for (const auto& entry : signatures) {
    if (!entry.is_object() || !entry.contains("keyid") || !entry["keyid"].is_string() ||
        !entry.contains("sig") || !entry["sig"].is_string())
      return Malformed("a signature lacks a string keyid or sig");
    out.push_back({entry["keyid"].get<std::string>(), entry["sig"].get<std::string>()});
  }
  return out;
}

bool SignatureVerifies(const PublicKey& key, const std::string& message, const Signature& signature) {
  auto raw = HexDecode(signature.sig);
  return raw.ok() && key.Verify(message, *raw);
}

bool AlreadyCounted(const std::vector<const PublicKey*>& counted, const PublicKey& key) {
  for (const PublicKey* other : counted) {
    if (*other == key) return true;
  }
  return false;
}

}  // namespace

Result<SignedMetadata> SignedMetadata::Parse(std::string bytes) {
  SignedMetadata metadata;
  json document = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Malformed("not valid JSON");
  if (!document.is_object() || !document.contains("signed") || !document["signed"].is_object())
    return Malformed("no \"signed\" object");
  if (!document.contains("signatures")) return Malformed("no \"signatures\"");
  OTTER_ASSIGN(metadata.signatures, ParseSignatures(document["signatures"]));
  metadata.signed_part = std::move(document["signed"]);
  metadata.bytes = std::move(bytes);
  return metadata;
}

std::string SignedMetadata::Type() const {
  auto it = signed_part.find("_type");
  return it != signed_part.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<SignedMetadata> SignMetadata(const json& signed_part, const std::vector<const PrivateKey*>& keys) {
  OTTER_ASSIGN(std::string message, CanonicalJson(signed_part));
  json signatures = json::array();
  for (const PrivateKey* key : keys) {
    OTTER_ASSIGN(std::string signature, key->Sign(message));
    signatures.push_back({{"keyid", key->KeyId()}, {"sig", HexEncode(signature)}});
  }
  // The envelope is compact JSON with sorted keys: deterministic, and valid
  // JSON even where canonical JSON would leave control characters raw (PEM).
  json document = {{"signed", signed_part}, {"signatures", signatures}};
  try {
    return SignedMetadata::Parse(document.dump());
  } catch (const json::exception& error) {
    return Malformed(std::string("cannot serialise: ") + error.what());
  }
}

Status VerifySignatures(const SignedMetadata& metadata, const KeyMap& keys, const RoleKeys& role,
                        std::string_view role_name) {
  if (role.threshold == 0) return Malformed(std::string(role_name) + " has threshold 0");
  auto canonical = CanonicalJson(metadata.signed_part);
  if (!canonical) return Malformed(std::string(role_name) + ": " + canonical.error().message());
  const std::string& message = *canonical;
  std::vector<const PublicKey*> counted;
  for (const Signature& signature : metadata.signatures) {
    if (std::find(role.keyids.begin(), role.keyids.end(), signature.keyid) == role.keyids.end())
      continue;
    auto key = keys.find(signature.keyid);
    if (key == keys.end() || AlreadyCounted(counted, key->second)) continue;
    if (SignatureVerifies(key->second, message, signature)) counted.push_back(&key->second);
  }
  if (counted.size() >= role.threshold) return Ok();
  return MakeError(UptaneErrc::kBadSignature,
                   std::string(role_name) + ": " + std::to_string(counted.size()) + " of " +
                       std::to_string(role.threshold) + " required signatures are valid");
}

}  // namespace otter::uptane
