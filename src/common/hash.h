// Streaming SHA-256 / SHA-512 over OpenSSL.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace otter {

enum class HashAlgorithm { kSha256, kSha512 };

// "sha256" / "sha512" as used in TUF `hashes` objects; nullopt otherwise.
std::optional<HashAlgorithm> ParseHashAlgorithm(std::string_view name);
std::string_view HashAlgorithmName(HashAlgorithm algorithm);

class Hasher {
 public:
  explicit Hasher(HashAlgorithm algorithm);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void Update(std::string_view data);
  // Lowercase hex digest. The hasher must not be used afterwards.
  std::string FinishHex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string Sha256Hex(std::string_view data);
std::string Sha512Hex(std::string_view data);
// Raw 32-byte digest.
std::string Sha256(std::string_view data);

}  // namespace otter
