#include "common/hash.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "common/hex.h"

namespace otter {
namespace {

// Digest calls fail only when OpenSSL cannot allocate or has no SHA-2
// provider; neither leaves a sensible way to go on.
void CheckOpenSsl(int rc, const char* call) {
  if (rc == 1) return;
  std::fprintf(stderr, "otter: %s failed\n", call);
  std::abort();
}

const EVP_MD* Digest(HashAlgorithm algorithm) {
  return algorithm == HashAlgorithm::kSha256 ? EVP_sha256() : EVP_sha512();
}

std::string OneShot(HashAlgorithm algorithm, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  CheckOpenSsl(EVP_Digest(data.data(), data.size(), digest, &size, Digest(algorithm), nullptr),
               "EVP_Digest");
  return std::string(reinterpret_cast<const char*>(digest), size);
}

}  // namespace

std::optional<HashAlgorithm> ParseHashAlgorithm(std::string_view name) {
  if (name == "sha256") return HashAlgorithm::kSha256;
  if (name == "sha512") return HashAlgorithm::kSha512;
  return std::nullopt;
}

std::string_view HashAlgorithmName(HashAlgorithm algorithm) {
  return algorithm == HashAlgorithm::kSha256 ? "sha256" : "sha512";
}

struct Hasher::Impl {
  explicit Impl(HashAlgorithm algorithm) : context(EVP_MD_CTX_new()) {
    if (context == nullptr) CheckOpenSsl(0, "EVP_MD_CTX_new");
    CheckOpenSsl(EVP_DigestInit_ex(context, Digest(algorithm), nullptr), "EVP_DigestInit_ex");
  }
  ~Impl() { EVP_MD_CTX_free(context); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  EVP_MD_CTX* context;
};

Hasher::Hasher(HashAlgorithm algorithm) : impl_(std::make_unique<Impl>(algorithm)) {}
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::Update(std::string_view data) {
  CheckOpenSsl(EVP_DigestUpdate(impl_->context, data.data(), data.size()), "EVP_DigestUpdate");
}

std::string Hasher::FinishHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  CheckOpenSsl(EVP_DigestFinal_ex(impl_->context, digest, &size), "EVP_DigestFinal_ex");
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), size));
}

std::string Sha256(std::string_view data) { return OneShot(HashAlgorithm::kSha256, data); }

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string Sha512Hex(std::string_view data) {
  return HexEncode(OneShot(HashAlgorithm::kSha512, data));
}

}  // namespace otter
