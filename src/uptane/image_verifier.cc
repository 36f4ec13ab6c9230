#include "uptane/image_verifier.h"

#include "uptane/errors.h"

namespace otter::uptane {

Result<ImageVerifier> ImageVerifier::Create(const TargetFile& target) {
  if (target.hashes.empty())
    return MakeError(UptaneErrc::kBadHash, target.name + " lists no hashes");
  std::vector<Expected> expected;
  for (const auto& [name, hex] : target.hashes) {
    auto algorithm = ParseHashAlgorithm(name);
    if (!algorithm)
      return MakeError(UptaneErrc::kBadHash, target.name + ": cannot check hash " + name);
    expected.push_back({Hasher(*algorithm), name, hex});
  }
  return ImageVerifier(target.length, std::move(expected));
}

Status ImageVerifier::Update(std::string_view chunk) {
  received_ += chunk.size();
  if (received_ > length_)
    return MakeError(UptaneErrc::kEndlessData,
                     "more than the " + std::to_string(length_) + " bytes the target lists");
  for (Expected& entry : expected_) entry.hasher.Update(chunk);
  return Ok();
}

Status ImageVerifier::Finish() {
  if (received_ != length_)
    return MakeError(UptaneErrc::kBadHash, "received " + std::to_string(received_) + " of " +
                                               std::to_string(length_) + " bytes");
  for (Expected& entry : expected_) {
    if (entry.hasher.FinishHex() != entry.hex)
      return MakeError(UptaneErrc::kBadHash, entry.algorithm + " does not match");
  }
  return Ok();
}

}  // namespace otter::uptane
