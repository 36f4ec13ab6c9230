#include "x509/openssl_util.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <limits>

#include "common/errors.h"

namespace otter::x509 {
namespace {

int NoPassphrase(char*, int, int, void*) { return 0; }

// Runs `write` on a fresh BIO of `method` and returns what it wrote.
template <typename WriteFn>
Result<std::string> WriteToString(const BIO_METHOD* method, WriteFn write, std::string_view what) {
  BioPtr bio(BIO_new(method));
  if (bio == nullptr || write(bio.get()) != 1) return OpenSslError(X509Errc::kCrypto, what);
  return BioContents(bio.get());
}

Error UnsupportedKey(const Error& error) {
  return MakeError(X509Errc::kUnsupportedKey, error.message());
}

std::size_t Utf8Characters(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool HasControlCharacter(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return true;
  }
  return false;
}

}  // namespace

namespace internal {

void FreeCertificateStack(STACK_OF(X509) * stack) { sk_X509_pop_free(stack, X509_free); }

}  // namespace internal

Error OpenSslError(X509Errc code, std::string_view what) {
  return MakeError(code, std::string(what) + ": " + OpenSslErrors());
}

const unsigned char* Bytes(std::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

Result<BioPtr> ReadOnlyBio(std::string_view data) {
  if (data.size() > kMaxInputBytes) {
    return MakeError(CommonErrc::kTooLarge, "input of " + std::to_string(data.size()) +
                                                " bytes is larger than " +
                                                std::to_string(kMaxInputBytes));
  }
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (bio == nullptr) return OpenSslError(X509Errc::kCrypto, "BIO_new_mem_buf");
  return bio;
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  if (length <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<std::size_t>(length));
}

void Cleanse(std::string& secret) { OPENSSL_cleanse(secret.data(), secret.size()); }

const EVP_MD* SignatureDigest(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "ED25519") || EVP_PKEY_is_a(key, "ED448")) return nullptr;
  return EVP_sha256();
}

Result<EvpPkeyPtr> ToEvp(const PrivateKey& key) {
  std::string pem = key.ToPem();
  auto bio = ReadOnlyBio(pem);
  EvpPkeyPtr pkey;
  if (bio.ok()) pkey.reset(PEM_read_bio_PrivateKey(bio->get(), nullptr, NoPassphrase, nullptr));
  Cleanse(pem);
  if (pkey == nullptr) return OpenSslError(X509Errc::kCrypto, "converting private key");
  return pkey;
}

Result<EvpPkeyPtr> ToEvp(const PublicKey& key) {
  const std::string pem = key.ToPem();
  OTTER_ASSIGN(const BioPtr bio, ReadOnlyBio(pem));
  EvpPkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) return OpenSslError(X509Errc::kCrypto, "converting public key");
  return pkey;
}

Result<PrivateKey> PrivateKeyFromEvp(EVP_PKEY* key) {
  // A secure-heap BIO: the PEM is wiped when the BIO is freed.
  auto write = [key](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  };
  OTTER_ASSIGN(std::string pem, WriteToString(BIO_s_secmem(), write, "encoding private key"));
  auto private_key = PrivateKey::FromPem(pem);
  Cleanse(pem);
  if (!private_key.ok()) return UnsupportedKey(private_key.error());
  return private_key;
}

Result<PublicKey> PublicKeyFromEvp(EVP_PKEY* key) {
  auto write = [key](BIO* bio) { return PEM_write_bio_PUBKEY(bio, key); };
  OTTER_ASSIGN(const std::string pem, WriteToString(BIO_s_mem(), write, "encoding public key"));
  auto public_key = PublicKey::FromPem(pem);
  if (!public_key.ok()) return UnsupportedKey(public_key.error());
  return public_key;
}

std::string OnlyNameEntry(const X509_NAME* name, int nid) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0 || X509_NAME_get_index_by_NID(name, nid, index) >= 0) return {};
  unsigned char* utf8 = nullptr;
  const int length =
      ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
  if (length < 0) {
    ERR_clear_error();
    return {};
  }
  std::string text(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return text;
}

std::string Quoted(std::string_view text) {
  constexpr std::size_t kMaxQuoted = 100;
  std::string quoted = "\"";
  for (const char c : text.substr(0, kMaxQuoted)) {
    quoted += HasControlCharacter(std::string_view(&c, 1)) ? '?' : c;
  }
  if (text.size() > kMaxQuoted) quoted += "...";
  return quoted + "\"";
}

Status CheckCommonName(std::string_view common_name) {
  constexpr std::size_t kMaxCharacters = 64;  // ub-common-name, RFC 5280
  if (common_name.empty()) return MakeError(X509Errc::kInvalidArgument, "empty common name");
  if (HasControlCharacter(common_name)) {
    return MakeError(X509Errc::kInvalidArgument, "common name holds a control character");
  }
  if (Utf8Characters(common_name) > kMaxCharacters) {
    return MakeError(X509Errc::kInvalidArgument, "common name is longer than 64 characters");
  }
  return Ok();
}

}  // namespace otter::x509
