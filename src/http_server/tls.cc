#include "http_server/tls.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cctype>
#include <ctime>

#include "common/errors.h"

namespace otter::http {
namespace {

using SslContext = asio::ssl::context;

Status Check(const ErrorCode& ec, std::string_view what) {
  if (!ec) return Ok();
  return MakeError(CommonErrc::kCrypto, std::string(what) + ": " + ec.message());
}

Status LoadIdentity(SslContext& context, const TlsConfig& config) {
  ErrorCode ec;
  context.use_certificate_chain_file(config.cert_file.string(), ec);
  OTTER_TRY(Check(ec, "loading TLS certificate " + config.cert_file.string()));
  context.use_private_key_file(config.key_file.string(), SslContext::pem, ec);
  OTTER_TRY(Check(ec, "loading TLS key " + config.key_file.string()));
  if (SSL_CTX_check_private_key(context.native_handle()) == 1) return Ok();
  return MakeError(CommonErrc::kCrypto, "TLS key " + config.key_file.string() + " does not match " +
                                            config.cert_file.string());
}

int VerifyMode(ClientCertMode mode) {
  switch (mode) {
    case ClientCertMode::kNone:
      return SSL_VERIFY_NONE;
    case ClientCertMode::kOptional:
      return SSL_VERIFY_PEER;
    case ClientCertMode::kRequired:
      return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
}

Status LoadClientCa(SslContext& context, const TlsConfig& config) {
  const std::string ca = config.ca_file.string();
  if (ca.empty()) return MakeError(CommonErrc::kInvalidArgument, "client certificates need a CA");
  ErrorCode ec;
  context.load_verify_file(ca, ec);
  OTTER_TRY(Check(ec, "loading client CA " + ca));
  // The CA names sent with the certificate request, to help clients choose.
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca.c_str());
  if (names == nullptr) return MakeError(CommonErrc::kCrypto, "reading CA names from " + ca);
  SSL_CTX_set_client_CA_list(context.native_handle(), names);
  return Ok();
}

Status SetClientVerification(SslContext& context, const TlsConfig& config) {
  SSL_CTX_set_verify(context.native_handle(), VerifyMode(config.client_certs), nullptr);
  if (config.client_certs == ClientCertMode::kNone) return Ok();
  OTTER_TRY(LoadClientCa(context, config));
  // Resumed sessions keep the verified certificate; OpenSSL refuses to
  // resume them without a session id context.
  static const unsigned char kSessionContext[] = "otter-http";
  SSL_CTX_set_session_id_context(context.native_handle(), kSessionContext,
                                 sizeof(kSessionContext) - 1);
  return Ok();
}

std::string CommonName(const X509_NAME* name) {
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return "";
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return "";
  std::string text(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return text;
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  BIGNUM* number = ASN1_INTEGER_to_BN(serial, nullptr);
  char* hex = number != nullptr ? BN_bn2hex(number) : nullptr;
  std::string text = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  BN_free(number);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

TimePoint ToTimePoint(const ASN1_TIME* time) {
  std::tm parts{};
  if (ASN1_TIME_to_tm(time, &parts) != 1) return TimePoint{};
  return TimePoint(std::chrono::seconds(timegm(&parts)));
}

std::string ToPem(X509* certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "";
  std::string pem;
  if (PEM_write_bio_X509(bio, certificate) == 1) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    if (length > 0) pem.assign(data, static_cast<std::size_t>(length));
  }
  BIO_free(bio);
  return pem;
}

}  // namespace

Result<std::unique_ptr<asio::ssl::context>> MakeTlsContext(const TlsConfig& config) {
  auto context = std::make_unique<SslContext>(SslContext::tls_server);
  ErrorCode ec;
  context->set_options(SslContext::default_workarounds | SslContext::no_sslv2 |
                           SslContext::no_sslv3 | SslContext::no_tlsv1 | SslContext::no_tlsv1_1 |
                           SslContext::single_dh_use,
                       ec);
  OTTER_TRY(Check(ec, "setting TLS options"));
  OTTER_TRY(LoadIdentity(*context, config));
  OTTER_TRY(SetClientVerification(*context, config));
  return context;
}

std::optional<ClientCertificate> PeerCertificate(SSL* ssl) {
  X509* certificate = SSL_get0_peer_certificate(ssl);
  if (certificate == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
  return ClientCertificate{.subject_cn = CommonName(X509_get_subject_name(certificate)),
                           .serial_hex = SerialHex(X509_get0_serialNumber(certificate)),
                           .issuer_cn = CommonName(X509_get_issuer_name(certificate)),
                           .not_after = ToTimePoint(X509_get0_notAfter(certificate)),
                           .pem = ToPem(certificate)};
}

}  // namespace otter::http
