// The TUF 1.0 JSON dialect of the metadata model: parse a `signed` object
// into the model, and render the model back. Unknown fields round-trip.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/result.h"
#include "uptane/metadata.h"

namespace otter::uptane {

// Each parser checks `_type` (type confusion is kMalformed) and the schema.
Result<Root> ParseRoot(const nlohmann::json& signed_part);
Result<Timestamp> ParseTimestamp(const nlohmann::json& signed_part);
Result<Snapshot> ParseSnapshot(const nlohmann::json& signed_part);
Result<Targets> ParseTargets(const nlohmann::json& signed_part);

nlohmann::json ToJson(const Root& root);
nlohmann::json ToJson(const Timestamp& timestamp);
nlohmann::json ToJson(const Snapshot& snapshot);
nlohmann::json ToJson(const Targets& targets);

// Exposed for the Director, which builds single target entries.
nlohmann::json ToJson(const TargetFile& target);
Result<TargetFile> ParseTargetFile(const std::string& name, const nlohmann::json& entry);

}  // namespace otter::uptane
