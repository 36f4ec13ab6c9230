// Edits of signed metadata bytes that do not re-sign them, for tests that
// serve a document whose signatures no longer fit, or fit twice. The result
// is canonical JSON, like what SimulatedRepository signs.
//
//   repo.files()["timestamp.json"] = EditSigned(repo.files()["timestamp.json"],
//                                               [](auto& s) { s["version"] = 9; });
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace otter::testing {

using JsonEdit = std::function<void(nlohmann::json&)>;

// `edit` gets the whole {"signed", "signatures"} document.
std::string EditDocument(const std::string& bytes, const JsonEdit& edit);
// `edit` gets the "signed" object.
std::string EditSigned(const std::string& bytes, const JsonEdit& edit);
// `edit` gets the "signatures" array.
std::string EditSignatures(const std::string& bytes, const JsonEdit& edit);
// Appends a copy of the first signature (same keyid, same sig).
std::string DuplicateFirstSignature(const std::string& bytes);

}  // namespace otter::testing
