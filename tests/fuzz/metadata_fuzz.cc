// Any bytes through the signed-envelope parser and every role parser, then
// the verifier's signature check: nothing may crash or throw.
#include <cstddef>
#include <cstdint>
#include <string>

#include "uptane/signed_metadata.h"
#include "uptane/tuf_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace otter::uptane;
  auto metadata = SignedMetadata::Parse(std::string(reinterpret_cast<const char*>(data), size));
  if (!metadata) return 0;
  auto root = ParseRoot(metadata->signed_part);
  (void)ParseTimestamp(metadata->signed_part);
  (void)ParseSnapshot(metadata->signed_part);
  auto targets = ParseTargets(metadata->signed_part);
  if (root) {
    for (const auto& [role, keys] : root->roles) (void)VerifySignatures(*metadata, root->keys, keys, "fuzz");
    (void)ToJson(*root);
  }
  if (targets) {
    (void)ToJson(*targets);
    if (targets->delegations)
      for (const auto& role : targets->delegations->roles) (void)role.MatchesPath("a/b/c.bin");
  }
  return 0;
}
