// Internal: which files of the repository GET /treehub/{path} serves.
#pragma once

#include <string_view>

namespace otter::treehub::internal {

// Whether `path` (relative to the repository, as the route received it) is
// one of the files a libostree pull reads: config, summary, summary.sig,
// refs/heads/<ref>, objects/XX/<62 hex>.{commit,commitmeta,dirtree,dirmeta,filez},
// deltas/... and delta-indexes/.... Never tmp/, state/, the lock file, '.'
// or '..' segments, empty segments or absolute paths.
bool IsServedPath(std::string_view path);

}  // namespace otter::treehub::internal
