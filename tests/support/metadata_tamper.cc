#include "support/metadata_tamper.h"

#include "common/canonical_json.h"
#include "support/must.h"

namespace otter::testing {

std::string EditDocument(const std::string& bytes, const JsonEdit& edit) {
  nlohmann::json document = nlohmann::json::parse(bytes);
  edit(document);
  return Must(CanonicalJson(document), "serialising edited metadata");
}

std::string EditSigned(const std::string& bytes, const JsonEdit& edit) {
  return EditDocument(bytes, [&](nlohmann::json& document) { edit(document["signed"]); });
}

std::string EditSignatures(const std::string& bytes, const JsonEdit& edit) {
  return EditDocument(bytes, [&](nlohmann::json& document) { edit(document["signatures"]); });
}

std::string DuplicateFirstSignature(const std::string& bytes) {
  return EditSignatures(bytes,
                        [](nlohmann::json& signatures) { signatures.push_back(signatures.at(0)); });
}

}  // namespace otter::testing
