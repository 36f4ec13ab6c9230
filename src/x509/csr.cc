#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/errors.h"
#include "x509/openssl_util.h"
#include "x509/x509.h"

namespace otter::x509 {
namespace {

int NoPassphrase(char*, int, int, void*) { return 0; }

Result<X509NamePtr> CommonNameOnly(std::string_view common_name) {
  OTTER_TRY(CheckCommonName(common_name));
  X509NamePtr name(X509_NAME_new());
  if (name == nullptr ||
      X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8, Bytes(common_name),
                                 static_cast<int>(common_name.size()), -1, 0) != 1) {
    return OpenSslError(X509Errc::kInvalidArgument, "encoding the common name");
  }
  return name;
}

Result<std::string> ToPem(X509_REQ* request) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509_REQ(bio.get(), request) != 1) {
    return OpenSslError(X509Errc::kCrypto, "encoding CSR");
  }
  return BioContents(bio.get());
}

Result<X509ReqPtr> ReadRequest(std::string_view pem) {
  OTTER_ASSIGN(const BioPtr bio, ReadOnlyBio(pem));
  X509ReqPtr request(PEM_read_bio_X509_REQ(bio.get(), nullptr, NoPassphrase, nullptr));
  if (request == nullptr) return OpenSslError(X509Errc::kMalformed, "reading CSR");
  return request;
}

}  // namespace

Result<Csr> Csr::Create(const PrivateKey& key, std::string_view common_name) {
  const std::string context = "creating CSR for " + Quoted(common_name);
  OTTER_ASSIGN_CONTEXT(const X509NamePtr subject, CommonNameOnly(common_name), context);
  OTTER_ASSIGN_CONTEXT(const EvpPkeyPtr pkey, ToEvp(key), context);
  X509ReqPtr request(X509_REQ_new());
  if (request == nullptr || X509_REQ_set_version(request.get(), X509_REQ_VERSION_1) != 1 ||
      X509_REQ_set_subject_name(request.get(), subject.get()) != 1 ||
      X509_REQ_set_pubkey(request.get(), pkey.get()) != 1 ||
      X509_REQ_sign(request.get(), pkey.get(), SignatureDigest(pkey.get())) <= 0) {
    return OpenSslError(X509Errc::kCrypto, context);
  }
  OTTER_ASSIGN_CONTEXT(std::string pem, ToPem(request.get()), context);
  return Csr(std::move(pem), std::string(common_name), key.public_key());
}

Result<Csr> Csr::FromPem(std::string_view pem) {
  ERR_clear_error();
  OTTER_ASSIGN(const X509ReqPtr request, ReadRequest(pem));
  EVP_PKEY* key = X509_REQ_get0_pubkey(request.get());
  if (key == nullptr) return OpenSslError(X509Errc::kMalformed, "reading CSR public key");
  if (X509_REQ_verify(request.get(), key) != 1) {
    ERR_clear_error();
    return MakeError(X509Errc::kBadSignature, "the CSR's signature does not verify");
  }
  std::string common_name = OnlyNameEntry(X509_REQ_get_subject_name(request.get()), NID_commonName);
  if (common_name.empty()) {
    return MakeError(X509Errc::kMalformed, "the CSR's subject has no single common name");
  }
  OTTER_ASSIGN_CONTEXT(PublicKey public_key, PublicKeyFromEvp(key), "reading CSR public key");
  OTTER_ASSIGN(std::string normalized, ToPem(request.get()));
  return Csr(std::move(normalized), std::move(common_name), std::move(public_key));
}

}  // namespace otter::x509
