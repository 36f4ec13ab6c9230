// The local working copy of the Image repository's targets for the offline
// flow: `otter targets pull` writes it, `add`/`remove` edit it, `sign` signs
// it and `push` uploads it. The file (docs/cli.md, "targets file"):
//
//   {"otter_targets_draft": 1,
//    "base_version": 3,            // the server's targets version when pulled
//    "metadata": {"signed": {...TUF targets...}, "signatures": [...]}}
//
// Any edit drops the signatures; `sign` sets version = base_version + 1 and
// the expiry, then signs the canonical form.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "common/time.h"
#include "uptane/metadata.h"
#include "uptane/signed_metadata.h"

namespace otter::cli {

struct TargetsDraft {
  std::uint64_t base_version = 0;
  nlohmann::json signed_part;  // TUF targets "signed"
  std::vector<uptane::Signature> signatures;

  bool is_signed() const { return !signatures.empty(); }
};

// From the server's current signed targets (nullopt: none yet, version 0).
Result<TargetsDraft> DraftFromServer(const std::optional<std::string>& current_bytes);

Result<TargetsDraft> LoadDraft(const std::filesystem::path& path);
Status SaveDraft(const TargetsDraft& draft, const std::filesystem::path& path);

// Adds or replaces an entry (ValidateTargetSpec first); drops signatures.
Status AddTarget(TargetsDraft& draft, const uptane::TargetFile& target);
// kInvalidInput when there is no such target; drops signatures.
Status RemoveTarget(TargetsDraft& draft, const std::string& name);
// The entries, parsed.
Result<uptane::Targets> ParseDraft(const TargetsDraft& draft);

// Version base_version + 1, `expires`, signed by each key.
Status SignDraft(TargetsDraft& draft, const std::vector<const PrivateKey*>& keys,
                 TimePoint expires);

// The bytes to PUT: kUsage unless the draft is signed at base_version + 1.
Result<std::string> PushBody(const TargetsDraft& draft);

// --- one target entry ---

struct TargetSpec {
  std::string name;
  std::string sha256;
  std::uint64_t length = 0;
  std::string format;  // OSTREE | BINARY | COMPOSE, or empty
  std::vector<std::string> hardware_ids;
  std::optional<std::uint64_t> release_counter;
  std::string uri;
  // custom.name / custom.version, as aktualizr reads them (optional).
  std::string package_name;
  std::string version;
};

// Checks the spec (safe name, 64 hex sha256, known format, OSTREE length 0,
// http(s) uri) and builds the entry; kUsage otherwise.
Result<uptane::TargetFile> MakeTarget(const TargetSpec& spec);

struct FileDigest {
  std::string sha256;
  std::uint64_t length = 0;
};
// sha256 and length of a local file, read in pieces.
Result<FileDigest> DigestFile(const std::filesystem::path& path);

}  // namespace otter::cli
