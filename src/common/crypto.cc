#include "common/crypto.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/canonical_json.h"
#include "common/errors.h"
#include "common/file.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/openssl_errors.h"

namespace otter {

struct KeyHandle {
  explicit KeyHandle(EVP_PKEY* key) : pkey(key) {}
  ~KeyHandle() { EVP_PKEY_free(pkey); }
  KeyHandle(const KeyHandle&) = delete;
  KeyHandle& operator=(const KeyHandle&) = delete;

  EVP_PKEY* pkey;
  std::string ed25519_public;  // raw 32 bytes, for libsodium; else empty
};

namespace {

using Json = nlohmann::json;

constexpr int kMinRsaBits = 2048;
constexpr std::size_t kRsaGenerateBits = 3072;
constexpr std::size_t kEd25519PublicBytes = 32;
constexpr std::size_t kEd25519SignatureBytes = 64;
constexpr std::size_t kMaxPemBytes = 64 * 1024;

struct OpenSslDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter>;
using MdContextPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter>;

// A key and the type it was checked to be.
struct TypedKey {
  KeyType type;
  std::shared_ptr<KeyHandle> handle;
};

const unsigned char* Bytes(std::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

unsigned char* MutableBytes(std::string& data) {
  return reinterpret_cast<unsigned char*>(data.data());
}

Error OpenSslError(CommonErrc code, const std::string& what) {
  return MakeError(code, what + ": " + OpenSslErrors());
}

// Encoding a key we hold fails only when OpenSSL cannot allocate.
[[noreturn]] void Fatal(const char* call) {
  std::fprintf(stderr, "otter: %s failed: %s\n", call, OpenSslErrors().c_str());
  std::abort();
}

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

int NoPassphrase(char*, int, int, void*) { return 0; }

Result<BioPtr> ReadOnlyBio(std::string_view data) {
  if (data.size() > kMaxPemBytes) {
    return MakeError(CommonErrc::kTooLarge, "PEM of " + std::to_string(data.size()) + " bytes");
  }
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (bio == nullptr) return OpenSslError(CommonErrc::kCrypto, "BIO_new_mem_buf");
  return bio;
}

// Runs `write` on a memory BIO and returns what it wrote.
template <typename WriteFn>
std::string WriteToString(WriteFn write, const char* call) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || write(bio.get()) != 1) Fatal(call);
  std::string text(BIO_ctrl_pending(bio.get()), '\0');
  const int read = BIO_read(bio.get(), text.data(), static_cast<int>(text.size()));
  text.resize(read > 0 ? static_cast<std::size_t>(read) : 0);
  return text;
}

bool IsP256(const EVP_PKEY* pkey) {
  char group[64] = {};
  std::size_t length = 0;
  return EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                        &length) == 1 &&
         std::string_view(group, length) == SN_X9_62_prime256v1;
}

Result<KeyType> TypeOf(const EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "ED25519")) return KeyType::kEd25519;
  if (EVP_PKEY_is_a(pkey, "EC")) {
    if (IsP256(pkey)) return KeyType::kEcdsaP256;
    return MakeError(CommonErrc::kInvalidArgument, "ECDSA key is not on P-256");
  }
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    const int bits = EVP_PKEY_get_bits(pkey);
    if (bits >= kMinRsaBits) return KeyType::kRsa;
    return MakeError(
        CommonErrc::kInvalidArgument,
        "RSA key has " + std::to_string(bits) + " bits, fewer than " + std::to_string(kMinRsaBits));
  }
  const char* name = EVP_PKEY_get0_type_name(pkey);
  return MakeError(CommonErrc::kInvalidArgument, std::string("unsupported key algorithm ") +
                                                     (name != nullptr ? name : "(unnamed)"));
}

Result<std::string> RawEd25519Public(const EVP_PKEY* pkey) {
  std::string raw(kEd25519PublicBytes, '\0');
  std::size_t length = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey, MutableBytes(raw), &length) != 1 || length != raw.size()) {
    return OpenSslError(CommonErrc::kCrypto, "reading Ed25519 public key");
  }
  return raw;
}

// Takes ownership of `pkey` and checks that it is a key type we support.
Result<TypedKey> Adopt(EVP_PKEY* pkey) {
  auto handle = std::make_shared<KeyHandle>(pkey);
  OTTER_ASSIGN(const KeyType type, TypeOf(pkey));
  if (type == KeyType::kEd25519) {
    OTTER_ASSIGN(handle->ed25519_public, RawEd25519Public(pkey));
  }
  return TypedKey{type, std::move(handle)};
}

Result<TypedKey> ParsePublicPem(std::string_view pem) {
  OTTER_ASSIGN(const BioPtr bio, ReadOnlyBio(pem));
  EVP_PKEY* pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr);
  if (pkey == nullptr) return OpenSslError(CommonErrc::kParse, "reading public key PEM");
  return Adopt(pkey);
}

Result<TypedKey> ParsePrivatePem(std::string_view pem) {
  OTTER_ASSIGN(const BioPtr bio, ReadOnlyBio(pem));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr);
  if (pkey == nullptr) return OpenSslError(CommonErrc::kParse, "reading private key PEM");
  return Adopt(pkey);
}

EVP_PKEY* GenerateKey(KeyType type) {
  switch (type) {
    case KeyType::kEd25519:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    case KeyType::kEcdsaP256:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    case KeyType::kRsa:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", kRsaGenerateBits);
  }
  return nullptr;
}

// Signing uses a salt as long as the digest; verifying accepts any salt
// length, as other TUF implementations (securesystemslib) do.
bool UsePss(EVP_PKEY_CTX* context, bool signing) {
  const int salt_length = signing ? RSA_PSS_SALTLEN_DIGEST : RSA_PSS_SALTLEN_AUTO;
  return EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) > 0 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(context, salt_length) > 0 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(context, EVP_sha256()) > 0;
}

using DigestInitFn = int (*)(EVP_MD_CTX*, EVP_PKEY_CTX**, const EVP_MD*, ENGINE*, EVP_PKEY*);

// Starts signing or verifying (EVP_DigestSignInit / EVP_DigestVerifyInit)
// with the TUF scheme of `type`; null on failure.
MdContextPtr StartScheme(DigestInitFn init, KeyType type, EVP_PKEY* pkey) {
  MdContextPtr context(EVP_MD_CTX_new());
  if (context == nullptr) return nullptr;
  const EVP_MD* digest = type == KeyType::kEd25519 ? nullptr : EVP_sha256();
  EVP_PKEY_CTX* pkey_context = nullptr;
  if (init(context.get(), &pkey_context, digest, nullptr, pkey) != 1) return nullptr;
  const bool signing = init == EVP_DigestSignInit;
  if (type == KeyType::kRsa && !UsePss(pkey_context, signing)) return nullptr;
  return context;
}

bool VerifyWithSodium(const KeyHandle& key, std::string_view message, std::string_view signature) {
  return signature.size() == kEd25519SignatureBytes &&
         crypto_sign_verify_detached(Bytes(signature), Bytes(message), message.size(),
                                     Bytes(key.ed25519_public)) == 0;
}

bool VerifyWithOpenSsl(KeyType type, EVP_PKEY* pkey, std::string_view message,
                       std::string_view signature) {
  const MdContextPtr context = StartScheme(EVP_DigestVerifyInit, type, pkey);
  const bool valid =
      context != nullptr && EVP_DigestVerify(context.get(), Bytes(signature), signature.size(),
                                             Bytes(message), message.size()) == 1;
  ERR_clear_error();
  return valid;
}

const Json& Member(const Json& object, const char* name) {
  static const Json kMissing;
  const auto it = object.find(name);  // end() for a non-object as well
  return it == object.end() ? kMissing : *it;
}

Result<std::string> StringMember(const Json& object, const char* name) {
  const Json& member = Member(object, name);
  if (!member.is_string()) {
    return MakeError(CommonErrc::kParse,
                     std::string("\"") + name + "\" is missing or not a string");
  }
  return member.get<std::string>();
}

}  // namespace

Result<KeyType> ParseKeyType(std::string_view keytype) {
  if (keytype == "ed25519") return KeyType::kEd25519;
  if (keytype == "ecdsa" || keytype == "ecdsa-sha2-nistp256") {
    return KeyType::kEcdsaP256;
  }
  if (keytype == "rsa") return KeyType::kRsa;
  return MakeError(CommonErrc::kInvalidArgument,
                   "unsupported keytype \"" + std::string(keytype) + "\"");
}

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kEd25519:
      return "ed25519";
    case KeyType::kEcdsaP256:
      return "ecdsa";
    case KeyType::kRsa:
      return "rsa";
  }
  return "unknown";
}

std::string_view KeySchemeName(KeyType type) {
  switch (type) {
    case KeyType::kEd25519:
      return "ed25519";
    case KeyType::kEcdsaP256:
      return "ecdsa-sha2-nistp256";
    case KeyType::kRsa:
      return "rsassa-pss-sha256";
  }
  return "unknown";
}

Result<PublicKey> PublicKey::FromTufJson(const nlohmann::json& key) {
  OTTER_ASSIGN(const std::string keytype, StringMember(key, "keytype"));
  OTTER_ASSIGN(const KeyType type, ParseKeyType(keytype));
  OTTER_ASSIGN(const std::string scheme, StringMember(key, "scheme"));
  if (scheme != KeySchemeName(type)) {
    return MakeError(CommonErrc::kInvalidArgument,
                     "scheme \"" + scheme + "\" does not fit keytype \"" + keytype + "\"");
  }
  OTTER_ASSIGN(const std::string value, StringMember(Member(key, "keyval"), "public"));
  OTTER_ASSIGN(PublicKey public_key,
               type == KeyType::kEd25519 ? FromEd25519Hex(value) : FromPem(value));
  if (public_key.type() != type) {
    return MakeError(CommonErrc::kInvalidArgument, "keytype \"" + keytype +
                                                       "\" holds a key of type " +
                                                       std::string(KeyTypeName(public_key.type())));
  }
  return public_key;
}

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  OTTER_ASSIGN(TypedKey key, ParsePublicPem(pem));
  return PublicKey(key.type, std::move(key.handle));
}

Result<PublicKey> PublicKey::FromEd25519Hex(std::string_view hex) {
  OTTER_ASSIGN(const std::string raw, HexDecode(hex));
  if (raw.size() != kEd25519PublicBytes) {
    return MakeError(CommonErrc::kInvalidArgument,
                     "Ed25519 public key has " + std::to_string(raw.size()) + " bytes, not 32");
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(raw), raw.size());
  if (pkey == nullptr) return OpenSslError(CommonErrc::kCrypto, "loading Ed25519 key");
  OTTER_ASSIGN(TypedKey key, Adopt(pkey));
  return PublicKey(key.type, std::move(key.handle));
}

nlohmann::json PublicKey::ToTufJson() const {
  return {{"keytype", KeyTypeName(type_)},
          {"scheme", KeySchemeName(type_)},
          {"keyval", {{"public", PublicValue()}}}};
}

std::string PublicKey::ToPem() const {
  return WriteToString([this](BIO* bio) { return PEM_write_bio_PUBKEY(bio, handle_->pkey); },
                       "PEM_write_bio_PUBKEY");
}

std::string PublicKey::PublicValue() const {
  return type_ == KeyType::kEd25519 ? HexEncode(handle_->ed25519_public) : ToPem();
}

std::string PublicKey::KeyId() const {
  // Cannot fail: a key object holds no floating-point numbers.
  return Sha256Hex(CanonicalJson(ToTufJson()).value());
}

bool PublicKey::Verify(std::string_view message, std::string_view signature) const {
  if (signature.empty()) return false;
  if (type_ == KeyType::kEd25519 && SodiumReady()) {
    return VerifyWithSodium(*handle_, message, signature);
  }
  return VerifyWithOpenSsl(type_, handle_->pkey, message, signature);
}

bool PublicKey::operator==(const PublicKey& other) const {
  const bool equal = type_ == other.type_ && EVP_PKEY_eq(handle_->pkey, other.handle_->pkey) == 1;
  ERR_clear_error();
  return equal;
}

Result<PrivateKey> PrivateKey::Generate(KeyType type) {
  EVP_PKEY* pkey = GenerateKey(type);
  if (pkey == nullptr) {
    return OpenSslError(CommonErrc::kCrypto,
                        "generating " + std::string(KeyTypeName(type)) + " key");
  }
  OTTER_ASSIGN(TypedKey key, Adopt(pkey));
  return PrivateKey(key.type, std::move(key.handle));
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  OTTER_ASSIGN(TypedKey key, ParsePrivatePem(pem));
  return PrivateKey(key.type, std::move(key.handle));
}

std::string PrivateKey::ToPem() const {
  return WriteToString(
      [this](BIO* bio) {
        return PEM_write_bio_PKCS8PrivateKey(bio, handle_->pkey, nullptr, nullptr, 0, nullptr,
                                             nullptr);
      },
      "PEM_write_bio_PKCS8PrivateKey");
}

PublicKey PrivateKey::public_key() const { return PublicKey(type_, handle_); }

Result<std::string> PrivateKey::Sign(std::string_view message) const {
  const MdContextPtr context = StartScheme(EVP_DigestSignInit, type_, handle_->pkey);
  std::size_t length = 0;
  if (context == nullptr ||
      EVP_DigestSign(context.get(), nullptr, &length, Bytes(message), message.size()) != 1) {
    return OpenSslError(CommonErrc::kCrypto, "starting signature");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), MutableBytes(signature), &length, Bytes(message),
                     message.size()) != 1) {
    return OpenSslError(CommonErrc::kCrypto, "signing");
  }
  signature.resize(length);
  return signature;
}

Status SavePrivateKey(const PrivateKey& key, const std::string& path) {
  OTTER_TRY_CONTEXT(
      WriteFileAtomic(path, key.ToPem(),
                      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write),
      "saving private key");
  return Ok();
}

Result<PrivateKey> LoadPrivateKey(const std::string& path) {
  OTTER_ASSIGN_CONTEXT(const std::string pem, ReadFile(path, kMaxPemBytes), "loading private key");
  OTTER_ASSIGN_CONTEXT(PrivateKey key, PrivateKey::FromPem(pem), "loading private key " + path);
  return key;
}

}  // namespace otter
