// The publisher's side of treehub: pushes an OSTree commit from a local
// repository to otter-server, uploading only the objects the server lacks,
// then points a ref at it.
//
//   treehub_client::PushOptions options;
//   options.repo = "build/ostree-repo";
//   options.ref = "os/main";
//   options.server_url = "https://otter.example.com";
//   options.token = token;
//   options.progress = [](const PushProgress& p) { ... };
//   OTTER_ASSIGN(auto summary, treehub_client::PushCommit(options));
//
// The local repository may be in any mode (archive, bare-user, bare, ...).
// In archive mode the .filez files are sent as they are; in the others each
// file is compressed into the archive format as it is sent (chunked). Objects
// go up in parallel, files first and the commit object last. Detached commit
// metadata (signatures) is not pushed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <system_error>

#include "common/errors.h"
#include "common/result.h"

namespace otter::treehub_client {

enum class TreehubClientErrc {
  kLocalRepository = 1,  // the local repository cannot be read, or has no such ref
  kInvalidArgument,      // options that cannot work (no server ref to set, ...)
  kUnauthorized,         // the server refused the token (401/403)
  kRejected,             // the server refused an object or the ref (other 4xx)
  kNotFastForward,       // the ref update is not a fast-forward (409); push with force
  kServer,               // the server failed (5xx) or answered something unreadable
};

const std::error_category& TreehubClientCategory();

inline std::error_code make_error_code(TreehubClientErrc e) {  // NOLINT: ADL name
  return {static_cast<int>(e), TreehubClientCategory()};
}

struct PushProgress {
  std::uint64_t objects_done = 0;   // uploaded so far, of objects_total
  std::uint64_t objects_total = 0;  // the objects the server lacked
  // The local size of those objects (in an archive repository the bytes sent;
  // in the others the uncompressed file sizes).
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
};

// Called after the missing objects are known and after each upload; calls
// never overlap but may come from any thread.
using ProgressCallback = std::function<void(const PushProgress& progress)>;

struct PushOptions {
  std::filesystem::path repo;  // the local OSTree repository
  std::string ref;             // a local ref or a commit checksum to push
  // The server ref to point at the commit; empty: the same as `ref`. When
  // `ref` is a checksum and this is empty, no ref is set.
  std::string remote_ref;
  bool update_ref = true;  // false: only upload the objects
  bool force = false;      // allow a ref update that is not a fast-forward

  std::string server_url;  // "https://otter.example.com" (no trailing path)
  std::string token;       // operator API token, sent as a Bearer token
  std::string ca_file;     // CA (PEM) to verify the server; empty: the system's
  std::size_t parallelism = 4;
  int retries = 2;      // further tries of an object after a network error or a 5xx
  long timeout_ms = 0;  // per request; 0: none (only the low-speed limit)
  ProgressCallback progress;
};

struct PushSummary {
  std::string commit;                   // the commit checksum pushed
  std::uint64_t objects_total = 0;      // objects the commit reaches
  std::uint64_t objects_uploaded = 0;   // sent, because the server lacked them
  std::uint64_t objects_skipped = 0;    // already on the server
  std::uint64_t bytes_uploaded = 0;     // request body bytes sent for them
  std::string ref;                      // the server ref set; empty when none
  std::optional<std::string> previous;  // the ref's commit before, if it existed
  bool forced = false;                  // the ref moved without a fast-forward
};

// Uploads the commit's missing objects and sets the ref. Errors carry a
// TreehubClientErrc, or CommonErrc::kNetwork / kTimeout for transport
// failures, with the server's description when it gave one.
Result<PushSummary> PushCommit(const PushOptions& options);

// The commit checksum that `ref` (a ref or a checksum) names in the local
// repository at `repo`.
Result<std::string> ResolveLocalCommit(const std::filesystem::path& repo, const std::string& ref);

}  // namespace otter::treehub_client

template <>
struct std::is_error_code_enum<otter::treehub_client::TreehubClientErrc> : std::true_type {};
