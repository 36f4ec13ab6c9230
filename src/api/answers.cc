#include "api/answers.h"

#include <spdlog/spdlog.h>

#include "api/auth.h"
#include "common/errors.h"
#include "storage/errors.h"
#include "uptane/errors.h"
#include "x509/errors.h"

namespace otter::api {
namespace {

unsigned CommonStatus(CommonErrc code) {
  switch (code) {
    case CommonErrc::kInvalidArgument:
    case CommonErrc::kParse:
      return 400;
    case CommonErrc::kNotFound:
      return 404;
    case CommonErrc::kTooLarge:
      return 413;
    default:
      return 500;
  }
}

unsigned StorageStatus(storage::StorageErrc code) {
  using storage::StorageErrc;
  switch (code) {
    case StorageErrc::kConflict:
      return 409;
    case StorageErrc::kNotFound:
      return 404;
    case StorageErrc::kBusy:
      return 503;
    case StorageErrc::kInvalidArgument:
    case StorageErrc::kHashMismatch:
      return 400;
    case StorageErrc::kTooLarge:
      return 413;
    case StorageErrc::kNoSpace:
      return 507;
    default:
      return 500;
  }
}

unsigned UptaneStatus(uptane::UptaneErrc code) {
  using uptane::UptaneErrc;
  switch (code) {
    case UptaneErrc::kTargetNotFound:
    case UptaneErrc::kUnknownEcu:
      return 404;
    case UptaneErrc::kStorage:
    case UptaneErrc::kFetchFailed:
      return 500;
    default:
      return 400;  // the metadata sent is malformed, badly signed or inconsistent
  }
}

unsigned X509Status(x509::X509Errc code) { return code == x509::X509Errc::kCrypto ? 500 : 400; }

std::string_view CodeName(unsigned status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthenticated";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 412:
      return "precondition_failed";
    case 413:
      return "too_large";
    case 503:
      return "busy";
    case 507:
      return "no_space";
    default:
      return "internal_error";
  }
}

}  // namespace

unsigned StatusFor(const Error& error) {
  const std::error_code& code = error.code();
  const std::error_category& category = code.category();
  if (category == CommonCategory()) return CommonStatus(static_cast<CommonErrc>(code.value()));
  if (category == storage::StorageCategory()) {
    return StorageStatus(static_cast<storage::StorageErrc>(code.value()));
  }
  if (category == uptane::UptaneCategory()) {
    return UptaneStatus(static_cast<uptane::UptaneErrc>(code.value()));
  }
  if (category == x509::X509Category()) {
    return X509Status(static_cast<x509::X509Errc>(code.value()));
  }
  if (category == AuthCategory()) {
    return static_cast<AuthErrc>(code.value()) == AuthErrc::kForbidden ? 403 : 401;
  }
  return 500;
}

http::Response ErrorResponse(const Error& error) { return ErrorResponse(error, StatusFor(error)); }

http::Response ErrorResponse(const Error& error, unsigned status) {
  if (status >= 500) {
    spdlog::error("api: {}", error.message());
    return http::Response::Error(status, CodeName(status),
                                 status == 503 ? "the server is busy, retry later"
                                               : "internal server error; see the server log");
  }
  return http::Response::Error(status, CodeName(status), error.message());
}

Result<nlohmann::json> ParseJsonBody(std::string_view body) {
  nlohmann::json value = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return MakeError(CommonErrc::kParse, "the request body is not valid JSON");
  }
  return value;
}

}  // namespace otter::api
