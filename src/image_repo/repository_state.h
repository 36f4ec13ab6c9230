// What a signing transaction works on: the newest file of each role, read
// under the repository lock, and the time of the transaction. Internal.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "image_repo/errors.h"
#include "image_repo/image_repository.h"
#include "storage/database.h"
#include "uptane/metadata.h"

namespace otter::image_repo {

struct RepositoryState {
  TimePoint now{};
  std::optional<SignedFile> root;
  std::optional<uptane::Root> parsed_root;  // set with root
  std::optional<SignedFile> targets;
  std::optional<SignedFile> snapshot;
  std::optional<SignedFile> timestamp;

  std::uint64_t targets_version() const { return targets ? targets->version : 0; }
};

// The newest targets, parsed once per version for content lookups.
struct TargetsCache {
  std::mutex mutex;
  std::shared_ptr<const uptane::Targets> targets;
};

// Whether a role signed with `lifetime` is to be signed again at `now`:
// less than half of its lifetime is left.
inline bool Due(TimePoint expires, std::chrono::seconds lifetime, TimePoint now) {
  return expires - now < lifetime / 2;
}

// A signing transaction. The repository lock makes version clashes
// impossible between well-behaved servers; should one happen anyway (a
// primary-key conflict), the caller is told to retry rather than shown a
// database error.
template <typename Fn>
auto SigningTransaction(storage::Database& database, Fn&& fn) {
  auto result = database.WithTransaction(std::forward<Fn>(fn));
  using R = decltype(result);
  if (!result.ok() && result.error().Is(storage::StorageErrc::kConflict))
    return R(MakeError(ImageRepoErrc::kBusy, "another server signed at the same moment: retry"));
  return result;
}

}  // namespace otter::image_repo
