// Streaming check of downloaded image bytes against a trusted target: never
// more than `length` bytes, and every listed hash must match.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/hash.h"
#include "common/result.h"
#include "uptane/metadata.h"

namespace otter::uptane {

class ImageVerifier {
 public:
  // Refuses a target with no hashes or with a hash algorithm it cannot check.
  static Result<ImageVerifier> Create(const TargetFile& target);

  // kEndlessData as soon as more than `length` bytes arrived.
  Status Update(std::string_view chunk);
  // kBadHash unless exactly `length` bytes arrived and every hash matches.
  Status Finish();

  std::uint64_t received() const { return received_; }

 private:
  struct Expected {
    Hasher hasher;
    std::string algorithm;
    std::string hex;
  };
  ImageVerifier(std::uint64_t length, std::vector<Expected> expected)
      : length_(length), expected_(std::move(expected)) {}

  std::uint64_t length_;
  std::uint64_t received_ = 0;
  std::vector<Expected> expected_;
};

}  // namespace otter::uptane
