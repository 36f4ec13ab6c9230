#include "http_server/incoming.h"

#include <cctype>

#include "http_server/request_target.h"

namespace otter::http {
namespace {

std::string Lowercase(beast::string_view text) {
  std::string lower = ToString(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

Fields LowercaseHeaders(const beast_http::request_header<>& header) {
  Fields headers;
  for (const auto& field : header) {
    auto [it, inserted] =
        headers.try_emplace(Lowercase(field.name_string()), ToString(field.value()));
    if (!inserted) it->second.append(", ").append(ToString(field.value()));
  }
  return headers;
}

}  // namespace

Result<Request> ToRequest(const beast_http::request_header<>& header, const Peer& peer) {
  Request request;
  request.method = ToString(header.method_string());
  request.target = ToString(header.target());
  OTTER_ASSIGN(ParsedTarget parsed, ParseTarget(request.target));
  request.path = std::move(parsed.path);
  request.query = std::move(parsed.query);
  request.headers = LowercaseHeaders(header);
  request.remote_address = peer.address;
  request.remote_port = peer.port;
  request.client_certificate = peer.certificate;
  return request;
}

std::string_view RawPath(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace otter::http
