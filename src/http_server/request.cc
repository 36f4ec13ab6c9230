#include "http_server/request.h"

namespace otter::http {
namespace {

std::optional<std::string_view> Lookup(const Fields& fields, std::string_view name) {
  const auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace

std::optional<std::string_view> Request::Header(std::string_view lowercase_name) const {
  return Lookup(headers, lowercase_name);
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  return Lookup(query, name);
}

std::string_view Request::Param(std::string_view name) const {
  return Lookup(params, name).value_or(std::string_view());
}

}  // namespace otter::http
