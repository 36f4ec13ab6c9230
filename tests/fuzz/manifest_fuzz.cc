// Any bytes through the device manifest parser, then signature verification
// and rendering back: nothing may crash or throw.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "uptane/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace otter::uptane;
  auto parsed = ParseSignedDeviceManifest(std::string(reinterpret_cast<const char*>(data), size));
  if (!parsed) return 0;
  static const auto key = otter::PrivateKey::Generate(otter::KeyType::kEd25519).value();
  std::map<std::string, otter::PublicKey> keys;
  for (const auto& [serial, report] : parsed->reports) keys.emplace(serial, key.public_key());
  keys.emplace(parsed->manifest.primary_ecu_serial, key.public_key());
  (void)VerifyDeviceManifest(*parsed, keys);
  (void)ToJson(parsed->manifest);
  return 0;
}
