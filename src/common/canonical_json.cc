#include "common/canonical_json.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "common/errors.h"

namespace otter {
namespace {

using Json = nlohmann::json;

Status AppendValue(const Json& value, std::string& out);

void AppendString(std::string_view text, std::string& out) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

// nlohmann::json already keeps keys in std::map order; sorting here keeps the
// output right without relying on that.
std::vector<Json::const_iterator> SortedMembers(const Json& object) {
  std::vector<Json::const_iterator> members;
  members.reserve(object.size());
  for (auto it = object.begin(); it != object.end(); ++it) members.push_back(it);
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
    return std::string_view(a.key()) < std::string_view(b.key());
  });
  return members;
}

Status AppendObject(const Json& object, std::string& out) {
  out += '{';
  bool first = true;
  for (const auto& member : SortedMembers(object)) {
    if (!first) out += ',';
    first = false;
    AppendString(member.key(), out);
    out += ':';
    OTTER_TRY_CONTEXT(AppendValue(member.value(), out), "key \"" + member.key() + "\"");
  }
  out += '}';
  return Ok();
}

Status AppendArray(const Json& array, std::string& out) {
  out += '[';
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (i > 0) out += ',';
    OTTER_TRY_CONTEXT(AppendValue(array[i], out), "index " + std::to_string(i));
  }
  out += ']';
  return Ok();
}

Status AppendValue(const Json& value, std::string& out) {
  switch (value.type()) {
    case Json::value_t::null:
      out += "null";
      return Ok();
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return Ok();
    case Json::value_t::number_integer:
      out += std::to_string(value.get<std::int64_t>());
      return Ok();
    case Json::value_t::number_unsigned:
      out += std::to_string(value.get<std::uint64_t>());
      return Ok();
    case Json::value_t::string:
      AppendString(value.get_ref<const std::string&>(), out);
      return Ok();
    case Json::value_t::array:
      return AppendArray(value, out);
    case Json::value_t::object:
      return AppendObject(value, out);
    case Json::value_t::number_float:
      return MakeError(CommonErrc::kInvalidArgument, "floating-point number " + value.dump() +
                                                         " is not allowed in canonical JSON");
    case Json::value_t::binary:
    case Json::value_t::discarded:
      break;
  }
  return MakeError(CommonErrc::kInvalidArgument,
                   std::string("a JSON ") + value.type_name() + " value has no canonical form");
}

}  // namespace

Result<std::string> CanonicalJson(const nlohmann::json& value) {
  std::string out;
  OTTER_TRY_CONTEXT(AppendValue(value, out), "canonical JSON");
  return out;
}

}  // namespace otter
