// A signed metadata document: {"signed": {...}, "signatures": [...]}, kept
// together with the exact bytes it was received as.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "uptane/metadata.h"

namespace otter::uptane {

struct Signature {
  KeyId keyid;
  std::string sig;  // hex
};

struct SignedMetadata {
  std::string bytes;           // exactly as received or produced
  nlohmann::json signed_part;  // parsed "signed" object, unknown fields kept
  std::vector<Signature> signatures;

  static Result<SignedMetadata> Parse(std::string bytes);
  std::string Type() const;  // signed._type, or "" when absent
};

// Signs canonical JSON of `signed_part` with each key and serialises the
// envelope (canonical JSON, so the bytes are deterministic).
Result<SignedMetadata> SignMetadata(const nlohmann::json& signed_part,
                                    const std::vector<const PrivateKey*>& keys);

// Verifies that at least `role.threshold` distinct keys of `role.keyids`
// (looked up in `keys`) signed the canonical form of `signed_part`. A key
// listed under two keyids counts once; a threshold of 0 is refused.
Status VerifySignatures(const SignedMetadata& metadata, const KeyMap& keys,
                        const RoleKeys& role, std::string_view role_name);

}  // namespace otter::uptane
