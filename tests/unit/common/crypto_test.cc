#include "common/crypto.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "common/canonical_json.h"
#include "common/errors.h"
#include "common/hex.h"

namespace otter {

// Names parameters in test output ("ecdsa" rather than "4-byte object").
void PrintTo(KeyType type, std::ostream* out) { *out << KeyTypeName(type); }

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// RFC 8032, section 7.1, TEST 1 (empty message).
constexpr char kRfcSecret[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr char kRfcPublic[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr char kRfcSignature[] =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

// Two keys per type, generated once: RSA generation takes a while.
const PrivateKey& TestKey(KeyType type, int index = 0) {
  static std::map<std::pair<KeyType, int>, PrivateKey> keys;
  auto it = keys.find({type, index});
  if (it == keys.end()) {
    auto key = PrivateKey::Generate(type);
    if (!key.ok()) std::abort();
    it = keys.emplace(std::pair{type, index}, std::move(key).value()).first;
  }
  return it->second;
}

std::string FlipBit(std::string data, std::size_t byte, int bit = 0) {
  data[byte] = static_cast<char>(data[byte] ^ (1 << bit));
  return data;
}

std::string Unhex(std::string_view hex) { return HexDecode(hex).value(); }

// SHA-256 straight from OpenSSL, to check KeyId independently.
std::string OpenSslSha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr), 1);
  return HexEncode(std::string(reinterpret_cast<char*>(digest), size));
}

// Keys of types or sizes we refuse, made directly with OpenSSL.
struct RawKey {
  std::string public_pem;
  std::string private_pem;
  std::string traditional_pem;
};

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_ctrl(bio, BIO_CTRL_INFO, 0, static_cast<void*>(&data));
  return std::string(data, static_cast<std::size_t>(size));
}

RawKey ToRawKey(EVP_PKEY* pkey) {
  RawKey raw;
  BIO* bio = BIO_new(BIO_s_mem());
  EXPECT_EQ(PEM_write_bio_PUBKEY(bio, pkey), 1);
  raw.public_pem = BioText(bio);
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  EXPECT_EQ(PEM_write_bio_PKCS8PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr), 1);
  raw.private_pem = BioText(bio);
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  EXPECT_EQ(PEM_write_bio_PrivateKey_traditional(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr),
            1);
  raw.traditional_pem = BioText(bio);
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  return raw;
}

RawKey RawRsaKey(std::size_t bits) {
  return ToRawKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
}

RawKey RawEcKey(const char* curve) {
  return ToRawKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}

class KeyTypeTest : public testing::TestWithParam<KeyType> {
 protected:
  const PrivateKey& key() const { return TestKey(GetParam()); }
  PublicKey public_key() const { return key().public_key(); }
  std::string SignOrDie(std::string_view message) const {
    auto signature = key().Sign(message);
    EXPECT_TRUE(signature.ok()) << signature.error().message();
    return signature.ok() ? *signature : "";
  }

  const std::string message_ = "signed bytes {\"_type\":\"root\"}";
};

INSTANTIATE_TEST_SUITE_P(AllTypes, KeyTypeTest,
                         testing::Values(KeyType::kEd25519, KeyType::kEcdsaP256, KeyType::kRsa),
                         [](const auto& test_info) {
                           return std::string(KeyTypeName(test_info.param));
                         });

TEST_P(KeyTypeTest, GeneratesKeyOfType) {
  EXPECT_EQ(key().type(), GetParam());
  EXPECT_EQ(public_key().type(), GetParam());
  EXPECT_EQ(key().KeyId(), public_key().KeyId());
  EXPECT_EQ(key().KeyId().size(), 64u);
}

TEST_P(KeyTypeTest, VerifiesOwnSignature) {
  const std::string signature = SignOrDie(message_);
  EXPECT_TRUE(public_key().Verify(message_, signature));
  const std::string empty_signature = SignOrDie("");
  EXPECT_TRUE(public_key().Verify("", empty_signature));
}

TEST_P(KeyTypeTest, SignatureSizes) {
  const std::string signature = SignOrDie(message_);
  switch (GetParam()) {
    case KeyType::kEd25519:
      EXPECT_EQ(signature.size(), 64u);
      break;
    case KeyType::kEcdsaP256:
      EXPECT_LE(signature.size(), 72u);
      EXPECT_EQ(signature[0], '\x30');  // DER SEQUENCE
      break;
    case KeyType::kRsa:
      EXPECT_EQ(signature.size(), 384u);
      break;
  }
}

TEST_P(KeyTypeTest, RejectsFlippedMessageBit) {
  const std::string signature = SignOrDie(message_);
  for (std::size_t byte : {std::size_t{0}, message_.size() / 2, message_.size() - 1}) {
    EXPECT_FALSE(public_key().Verify(FlipBit(message_, byte), signature)) << byte;
  }
  EXPECT_FALSE(public_key().Verify(message_ + " ", signature));
  EXPECT_FALSE(public_key().Verify("", signature));
}

TEST_P(KeyTypeTest, RejectsFlippedSignatureBit) {
  const std::string signature = SignOrDie(message_);
  for (std::size_t byte = 0; byte < signature.size(); ++byte) {
    EXPECT_FALSE(public_key().Verify(message_, FlipBit(signature, byte, byte % 8))) << byte;
  }
}

TEST_P(KeyTypeTest, RejectsOtherKeysSignature) {
  const std::string signature = SignOrDie(message_);
  const PublicKey other = TestKey(GetParam(), 1).public_key();
  EXPECT_FALSE(other == public_key());
  EXPECT_FALSE(other.Verify(message_, signature));
  for (KeyType type : {KeyType::kEd25519, KeyType::kEcdsaP256, KeyType::kRsa}) {
    if (type == GetParam()) continue;
    const PublicKey foreign = TestKey(type).public_key();
    EXPECT_FALSE(foreign == public_key());
    EXPECT_FALSE(foreign.Verify(message_, signature));
  }
}

TEST_P(KeyTypeTest, RejectsBadLengthsWithoutCrashing) {
  const std::string signature = SignOrDie(message_);
  EXPECT_FALSE(public_key().Verify(message_, ""));
  EXPECT_FALSE(public_key().Verify(message_, signature.substr(0, 1)));
  EXPECT_FALSE(public_key().Verify(message_, signature.substr(0, signature.size() - 1)));
  EXPECT_FALSE(public_key().Verify(message_, signature + '\0'));
  EXPECT_FALSE(public_key().Verify(message_, signature + signature));
  std::mt19937 random(7);
  for (std::size_t size = 0; size < 600; size += 1 + size / 8) {
    std::string garbage(size, '\0');
    for (char& c : garbage) c = static_cast<char>(random());
    EXPECT_FALSE(public_key().Verify(message_, garbage)) << size;
  }
}

TEST_P(KeyTypeTest, PrivatePemRoundTrip) {
  const std::string pem = key().ToPem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN PRIVATE KEY-----\n")) << pem;
  const auto loaded = PrivateKey::FromPem(pem);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->type(), GetParam());
  EXPECT_EQ(loaded->KeyId(), key().KeyId());
  EXPECT_TRUE(loaded->public_key() == public_key());
  EXPECT_TRUE(public_key().Verify(message_, loaded->Sign(message_).value()));
}

TEST_P(KeyTypeTest, PublicPemRoundTrip) {
  const std::string pem = public_key().ToPem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN PUBLIC KEY-----\n")) << pem;
  const auto loaded = PublicKey::FromPem(pem);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->type(), GetParam());
  EXPECT_TRUE(*loaded == public_key());
  EXPECT_EQ(loaded->KeyId(), key().KeyId());
  EXPECT_TRUE(loaded->Verify(message_, SignOrDie(message_)));
}

TEST_P(KeyTypeTest, PrivatePemIsNotAPublicKey) {
  EXPECT_FALSE(PublicKey::FromPem(key().ToPem()).ok());
  EXPECT_FALSE(PrivateKey::FromPem(public_key().ToPem()).ok());
}

TEST_P(KeyTypeTest, TufJsonRoundTrip) {
  const json tuf = public_key().ToTufJson();
  EXPECT_EQ(tuf.size(), 3u);
  EXPECT_EQ(tuf["keytype"], KeyTypeName(GetParam()));
  EXPECT_EQ(tuf["scheme"], KeySchemeName(GetParam()));
  EXPECT_EQ(tuf["keyval"].size(), 1u);
  const std::string value = tuf["keyval"]["public"];
  EXPECT_EQ(value, public_key().PublicValue());
  if (GetParam() == KeyType::kEd25519) {
    EXPECT_EQ(value.size(), 64u);
    EXPECT_EQ(value, HexEncode(HexDecode(value).value()));  // lowercase hex
  } else {
    EXPECT_EQ(value, public_key().ToPem());
  }
  const auto loaded = PublicKey::FromTufJson(tuf);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_TRUE(*loaded == public_key());
  EXPECT_EQ(loaded->KeyId(), public_key().KeyId());
}

TEST_P(KeyTypeTest, KeyIdIsSha256OfCanonicalTufJson) {
  const std::string canonical = "{\"keytype\":\"" + std::string(KeyTypeName(GetParam())) +
                                "\",\"keyval\":{\"public\":\"" + public_key().PublicValue() +
                                "\"},\"scheme\":\"" + std::string(KeySchemeName(GetParam())) +
                                "\"}";
  EXPECT_EQ(CanonicalJson(public_key().ToTufJson()).value(), canonical);
  EXPECT_EQ(public_key().KeyId(), OpenSslSha256Hex(canonical));
}

TEST_P(KeyTypeTest, SaveAndLoadPrivateKey) {
  std::string folder = (fs::path(testing::TempDir()) / "crypto_test.XXXXXX");
  ASSERT_NE(::mkdtemp(folder.data()), nullptr);
  const std::string path = folder + "/key.pem";
  ASSERT_TRUE(SavePrivateKey(key(), path).ok());
  EXPECT_EQ(fs::status(path).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  const auto loaded = LoadPrivateKey(path);
  fs::remove_all(folder);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->KeyId(), key().KeyId());
}

TEST_P(KeyTypeTest, GeneratesDistinctKeys) {
  EXPECT_NE(TestKey(GetParam(), 0).KeyId(), TestKey(GetParam(), 1).KeyId());
}

// Signs with OpenSSL directly: `salt_length` < 0 picks PKCS#1 v1.5 padding.
std::string RawRsaSign(const PrivateKey& key, std::string_view message, int salt_length) {
  const std::string pem = key.ToPem();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pkey_context = nullptr;
  EXPECT_EQ(EVP_DigestSignInit(context, &pkey_context, EVP_sha256(), nullptr, pkey), 1);
  if (salt_length >= 0) {
    EXPECT_GT(EVP_PKEY_CTX_set_rsa_padding(pkey_context, RSA_PKCS1_PSS_PADDING), 0);
    EXPECT_GT(EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_context, salt_length), 0);
  }
  std::size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  EXPECT_EQ(EVP_DigestSign(context, nullptr, &length, data, message.size()), 1);
  std::string signature(length, '\0');
  EXPECT_EQ(EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                           data, message.size()),
            1);
  EVP_MD_CTX_free(context);
  EVP_PKEY_free(pkey);
  return signature;
}

// rsassa-pss-sha256: MGF1 with SHA-256 (OpenSSL's default for a SHA-256
// digest) and a salt as long as the digest; other salts and padding fail.
// Other TUF signers (securesystemslib) may use any PSS salt length.
TEST(CryptoTest, RsaPssVerifyAcceptsAnySaltLength) {
  const PrivateKey& key = TestKey(KeyType::kRsa);
  for (int salt : {0, 20, 32, 64}) {
    EXPECT_TRUE(key.public_key().Verify("m", RawRsaSign(key, "m", salt))) << salt;
    EXPECT_FALSE(key.public_key().Verify("n", RawRsaSign(key, "m", salt))) << salt;
  }
}

TEST(CryptoTest, Rfc8032Test1VerifiesThroughHex) {
  const auto key = PublicKey::FromEd25519Hex(kRfcPublic);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->type(), KeyType::kEd25519);
  EXPECT_EQ(key->PublicValue(), kRfcPublic);
  const std::string signature = Unhex(kRfcSignature);
  EXPECT_TRUE(key->Verify("", signature));
  EXPECT_FALSE(key->Verify("x", signature));
  EXPECT_FALSE(key->Verify("", FlipBit(signature, 63, 7)));
}

TEST(CryptoTest, Rfc8032Test1SignsThroughPkcs8) {
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410).
  const std::string der = Unhex("302e020100300506032b657004220420") + Unhex(kRfcSecret);
  std::string base64(4 * ((der.size() + 2) / 3) + 1, '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()),
                  reinterpret_cast<const unsigned char*>(der.data()), static_cast<int>(der.size()));
  const std::string pem = "-----BEGIN PRIVATE KEY-----\n" + std::string(base64.c_str()) +
                          "\n-----END PRIVATE KEY-----\n";
  const auto key = PrivateKey::FromPem(pem);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->public_key().PublicValue(), kRfcPublic);
  EXPECT_EQ(HexEncode(key->Sign("").value()), kRfcSignature);
}

TEST(CryptoTest, Ed25519HexMustBe32Bytes) {
  const std::string hex = kRfcPublic;
  EXPECT_FALSE(PublicKey::FromEd25519Hex(hex.substr(2)).ok());
  EXPECT_FALSE(PublicKey::FromEd25519Hex(hex + "00").ok());
  EXPECT_FALSE(PublicKey::FromEd25519Hex("").ok());
  EXPECT_FALSE(PublicKey::FromEd25519Hex("zz" + hex.substr(2)).ok());
}

TEST(CryptoTest, RejectsSmallRsaKeys) {
  const RawKey small = RawRsaKey(1024);
  const auto public_key = PublicKey::FromPem(small.public_pem);
  ASSERT_FALSE(public_key.ok());
  EXPECT_TRUE(public_key.error().Is(CommonErrc::kInvalidArgument));
  EXPECT_NE(public_key.error().message().find("1024"), std::string::npos);
  EXPECT_FALSE(PrivateKey::FromPem(small.private_pem).ok());
  EXPECT_FALSE(PrivateKey::FromPem(small.traditional_pem).ok());
  const json tuf = {{"keytype", "rsa"},
                    {"scheme", "rsassa-pss-sha256"},
                    {"keyval", {{"public", small.public_pem}}}};
  EXPECT_FALSE(PublicKey::FromTufJson(tuf).ok());
}

TEST(CryptoTest, Accepts2048BitRsaAndTraditionalPem) {
  const RawKey rsa = RawRsaKey(2048);
  EXPECT_TRUE(rsa.traditional_pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
  const auto key = PrivateKey::FromPem(rsa.traditional_pem);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->type(), KeyType::kRsa);
  const auto public_key = PublicKey::FromPem(rsa.public_pem);
  ASSERT_TRUE(public_key.ok());
  EXPECT_TRUE(public_key->Verify("m", key->Sign("m").value()));
}

TEST(CryptoTest, ReadsTraditionalEcPem) {
  const RawKey ec = RawEcKey("P-256");
  EXPECT_TRUE(ec.traditional_pem.starts_with("-----BEGIN EC PRIVATE KEY-----"));
  const auto key = PrivateKey::FromPem(ec.traditional_pem);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->type(), KeyType::kEcdsaP256);
  EXPECT_EQ(key->KeyId(), PublicKey::FromPem(ec.public_pem)->KeyId());
}

TEST(CryptoTest, RejectsOtherCurves) {
  for (const char* curve : {"P-384", "P-521", "secp256k1"}) {
    const RawKey ec = RawEcKey(curve);
    const auto public_key = PublicKey::FromPem(ec.public_pem);
    ASSERT_FALSE(public_key.ok()) << curve;
    EXPECT_TRUE(public_key.error().Is(CommonErrc::kInvalidArgument));
    EXPECT_FALSE(PrivateKey::FromPem(ec.private_pem).ok()) << curve;
    const json tuf = {{"keytype", "ecdsa"},
                      {"scheme", "ecdsa-sha2-nistp256"},
                      {"keyval", {{"public", ec.public_pem}}}};
    EXPECT_FALSE(PublicKey::FromTufJson(tuf).ok()) << curve;
  }
}

TEST(CryptoTest, RefusesEncryptedPrivateKeyWithoutPrompting) {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  BIO* bio = BIO_new(BIO_s_mem());
  char passphrase[] = "secret";
  ASSERT_EQ(
      PEM_write_bio_PKCS8PrivateKey(bio, pkey, EVP_aes_256_cbc(), passphrase, 6, nullptr, nullptr),
      1);
  const std::string pem = BioText(bio);
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  EXPECT_TRUE(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
  EXPECT_FALSE(PrivateKey::FromPem(pem).ok());
}

TEST(CryptoTest, RejectsGarbagePem) {
  for (const char* pem :
       {"", "garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}) {
    const auto public_key = PublicKey::FromPem(pem);
    ASSERT_FALSE(public_key.ok());
    EXPECT_TRUE(public_key.error().Is(CommonErrc::kParse));
    EXPECT_FALSE(PrivateKey::FromPem(pem).ok());
  }
}

TEST(CryptoTest, ParsesKeyTypes) {
  EXPECT_EQ(ParseKeyType("ed25519").value(), KeyType::kEd25519);
  EXPECT_EQ(ParseKeyType("ecdsa").value(), KeyType::kEcdsaP256);
  EXPECT_EQ(ParseKeyType("ecdsa-sha2-nistp256").value(), KeyType::kEcdsaP256);
  EXPECT_EQ(ParseKeyType("rsa").value(), KeyType::kRsa);
  EXPECT_FALSE(ParseKeyType("RSA").ok());
  EXPECT_FALSE(ParseKeyType("dsa").ok());
  EXPECT_EQ(KeySchemeName(KeyType::kEd25519), "ed25519");
  EXPECT_EQ(KeySchemeName(KeyType::kEcdsaP256), "ecdsa-sha2-nistp256");
  EXPECT_EQ(KeySchemeName(KeyType::kRsa), "rsassa-pss-sha256");
}

json Ed25519Tuf() {
  return {{"keytype", "ed25519"}, {"scheme", "ed25519"}, {"keyval", {{"public", kRfcPublic}}}};
}

TEST(CryptoTest, TufJsonAllowsExtraFields) {
  json tuf = Ed25519Tuf();
  tuf["x-owner"] = "@someone";
  tuf["keyid_hash_algorithms"] = {"sha256", "sha512"};
  tuf["keyval"]["private"] = "";
  const auto key = PublicKey::FromTufJson(tuf);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->ToTufJson(), Ed25519Tuf());
}

TEST(CryptoTest, TufJsonAcceptsLongEcdsaKeytype) {
  json tuf = TestKey(KeyType::kEcdsaP256).public_key().ToTufJson();
  tuf["keytype"] = "ecdsa-sha2-nistp256";
  const auto key = PublicKey::FromTufJson(tuf);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->ToTufJson()["keytype"], "ecdsa");
}

TEST(CryptoTest, TufJsonRejectsMalformedKeys) {
  const std::string ecdsa_pem = TestKey(KeyType::kEcdsaP256).public_key().ToPem();
  std::vector<json> bad(12, Ed25519Tuf());
  bad[0].erase("keytype");
  bad[1]["keytype"] = "dsa";
  bad[2]["scheme"] = "ecdsa-sha2-nistp256";
  bad[3].erase("scheme");
  bad[4].erase("keyval");
  bad[5]["keyval"]["public"] = 5;
  bad[6]["keyval"] = "d75a";
  bad[7]["keyval"]["public"] = "not hex";
  bad[8] = json::array({"ed25519"});
  bad[9] = {{"keytype", "ecdsa"},
            {"scheme", "ecdsa-sha2-nistp256"},
            {"keyval", {{"public", kRfcPublic}}}};
  bad[10] = {{"keytype", "rsa"},
             {"scheme", "rsassa-pss-sha256"},
             {"keyval", {{"public", ecdsa_pem}}}};  // PEM holds an ECDSA key
  bad[11] = {{"keytype", "ed25519"}, {"scheme", "ed25519"}, {"keyval", {{"public", ecdsa_pem}}}};
  for (std::size_t i = 0; i < bad.size(); ++i) {
    EXPECT_FALSE(PublicKey::FromTufJson(bad[i]).ok()) << i << ": " << bad[i];
  }
}

TEST(CryptoTest, LoadMissingKeyIsNotFound) {
  const auto key = LoadPrivateKey("/nonexistent/otter/key.pem");
  ASSERT_FALSE(key.ok());
  EXPECT_TRUE(key.error().Is(CommonErrc::kNotFound));
  EXPECT_NE(key.error().message().find("/nonexistent/otter/key.pem"), std::string::npos);
}

fs::path SourceDir() {
  if (const char* dir = std::getenv("OTTER_SOURCE_DIR")) return dir;
  return fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
}

json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// Every signature in a real TUF repository (tuf-on-ci 0.11, ECDSA keys
// signed through a cloud KMS) whose key is listed in root or in targets'
// delegations must verify over the canonical form of "signed".
TEST(CryptoTest, VerifiesRealWorldTufRepository) {
  const fs::path metadata = SourceDir() / "tests/data/tuf-on-ci-0.11/metadata";
  if (!fs::exists(metadata / "1.root.json")) {
    GTEST_SKIP() << "no " << (metadata / "1.root.json");
  }
  std::map<std::string, PublicKey> keys;
  json all_keys = ReadJson(metadata / "1.root.json")["signed"]["keys"];
  if (fs::exists(metadata / "1.targets.json")) {
    all_keys.update(ReadJson(metadata / "1.targets.json")["signed"]
                        .value("delegations", json::object())
                        .value("keys", json::object()));
  }
  for (const auto& [keyid, key_json] : all_keys.items()) {
    auto key = PublicKey::FromTufJson(key_json);
    ASSERT_TRUE(key.ok()) << keyid << ": " << key.error().message();
    keys.emplace(keyid, std::move(key).value());
  }
  int verified = 0;
  for (const auto& file : fs::directory_iterator(metadata)) {
    json document = ReadJson(file.path());
    const std::string canonical = CanonicalJson(document["signed"]).value();
    for (const auto& signature : document["signatures"]) {
      const auto key = keys.find(signature["keyid"]);
      if (key == keys.end()) continue;
      const std::string raw = Unhex(signature["sig"].get<std::string>());
      if (raw.empty()) {  // tuf-on-ci leaves a missing signature as ""
        EXPECT_FALSE(key->second.Verify(canonical, raw)) << file.path();
        continue;
      }
      EXPECT_TRUE(key->second.Verify(canonical, raw)) << file.path();
      EXPECT_FALSE(key->second.Verify(canonical + " ", raw)) << file.path();
      ++verified;
    }
  }
  EXPECT_GE(verified, 5);  // root, targets, snapshot, timestamp, delegated
  const json root = ReadJson(metadata / "1.root.json");
  json tampered = root["signed"];
  tampered["version"] = 2;
  const auto& first = root["signatures"][0];
  EXPECT_FALSE(
      keys.at(first["keyid"])
          .Verify(CanonicalJson(tampered).value(), Unhex(first["sig"].get<std::string>())));
}

}  // namespace
}  // namespace otter
