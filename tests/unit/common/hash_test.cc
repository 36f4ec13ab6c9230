#include "common/hash.h"

#include <gtest/gtest.h>

#include <random>

#include "common/hex.h"

namespace otter {
namespace {

constexpr char kSha256Empty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kSha256Abc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kSha512Empty[] =
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";
constexpr char kSha512Abc[] =
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

std::string RandomBytes(std::size_t size) {
  std::mt19937 generator(1234);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(generator());
  return bytes;
}

TEST(HashTest, Sha256KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), kSha256Empty);
  EXPECT_EQ(Sha256Hex("abc"), kSha256Abc);
}

TEST(HashTest, Sha512KnownVectors) {
  EXPECT_EQ(Sha512Hex(""), kSha512Empty);
  EXPECT_EQ(Sha512Hex("abc"), kSha512Abc);
}

TEST(HashTest, RawSha256IsTheDecodedHex) {
  const std::string raw = Sha256("abc");
  EXPECT_EQ(raw.size(), 32u);
  EXPECT_EQ(HexEncode(raw), kSha256Abc);
}

TEST(HashTest, HasherMatchesKnownVectors) {
  Hasher sha256(HashAlgorithm::kSha256);
  sha256.Update("a");
  sha256.Update("");
  sha256.Update("bc");
  EXPECT_EQ(sha256.FinishHex(), kSha256Abc);
  Hasher sha512(HashAlgorithm::kSha512);
  EXPECT_EQ(sha512.FinishHex(), kSha512Empty);
}

TEST(HashTest, StreamingEqualsOneShot) {
  const std::string data = RandomBytes(1 << 20);
  for (const HashAlgorithm algorithm : {HashAlgorithm::kSha256, HashAlgorithm::kSha512}) {
    Hasher hasher(algorithm);
    std::size_t offset = 0;
    for (std::size_t chunk = 1; offset < data.size(); chunk = chunk * 3 + 1) {
      const std::size_t size = std::min(chunk, data.size() - offset);
      hasher.Update(std::string_view(data).substr(offset, size));
      offset += size;
    }
    const std::string expected =
        algorithm == HashAlgorithm::kSha256 ? Sha256Hex(data) : Sha512Hex(data);
    EXPECT_EQ(hasher.FinishHex(), expected);
  }
}

TEST(HashTest, DifferentInputsDiffer) {
  EXPECT_NE(Sha256Hex("abc"), Sha256Hex("abd"));
  EXPECT_NE(Sha256Hex(std::string("\0", 1)), Sha256Hex(""));
}

TEST(HashTest, HasherMoves) {
  Hasher first(HashAlgorithm::kSha256);
  first.Update("ab");
  Hasher second = std::move(first);
  second.Update("c");
  EXPECT_EQ(second.FinishHex(), kSha256Abc);
  Hasher third(HashAlgorithm::kSha512);
  third = std::move(second);  // the digest is finished; just must not leak
}

TEST(HashTest, ParsesAlgorithmNames) {
  EXPECT_EQ(ParseHashAlgorithm("sha256"), HashAlgorithm::kSha256);
  EXPECT_EQ(ParseHashAlgorithm("sha512"), HashAlgorithm::kSha512);
  EXPECT_EQ(ParseHashAlgorithm("SHA256"), std::nullopt);
  EXPECT_EQ(ParseHashAlgorithm("sha-256"), std::nullopt);
  EXPECT_EQ(ParseHashAlgorithm("md5"), std::nullopt);
  EXPECT_EQ(ParseHashAlgorithm(""), std::nullopt);
  EXPECT_EQ(HashAlgorithmName(HashAlgorithm::kSha256), "sha256");
  EXPECT_EQ(HashAlgorithmName(HashAlgorithm::kSha512), "sha512");
}

}  // namespace
}  // namespace otter
