// Refs: reading them, and moving them forward (or anywhere, when forced)
// under a lock that spans processes.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "treehub/ostree_glue.h"
#include "treehub/treehub.h"

namespace otter::treehub {
namespace {

using internal::GCharPtr;
using internal::GlibError;
using internal::HashTablePtr;
using internal::RepoPtr;
using internal::VariantPtr;

constexpr const char* kRefLockFile = "otter-refs.lock";

// flock(2) on a file, held while the object lives.
class FileLock {
 public:
  static Result<FileLock> Acquire(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      return MakeError(TreehubErrc::kRepository,
                       ErrnoError("opening " + path.string(), errno).message());
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      const Error error = MakeError(TreehubErrc::kRepository,
                                    ErrnoError("locking " + path.string(), errno).message());
      ::close(fd);
      return error;
    }
    return FileLock(fd);
  }
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

std::filesystem::path RefPath(const std::filesystem::path& repo, std::string_view ref) {
  return repo / "refs" / "heads" / ref;
}

// The commit `ref` names, or nullopt when there is no such ref.
Result<std::optional<std::string>> ResolveRef(OstreeRepo* repo, const std::filesystem::path& path,
                                              const std::string& ref) {
  std::error_code ec;
  if (std::filesystem::is_directory(RefPath(path, ref), ec)) return std::optional<std::string>();
  char* resolved = nullptr;
  GlibError error;
  if (!ostree_repo_resolve_rev_ext(repo, ref.c_str(), TRUE, OSTREE_REPO_RESOLVE_REV_EXT_LOCAL_ONLY,
                                   &resolved, error.out())) {
    return ToError(error, TreehubErrc::kRepository, "reading ref " + ref);
  }
  if (resolved == nullptr) return std::optional<std::string>();
  GCharPtr owner(resolved);
  return std::optional<std::string>(resolved);
}

// A ref is a file under refs/heads: "a/b" cannot exist beside a ref "a",
// nor "a" beside "a/b".
Status CheckRefPath(const std::filesystem::path& repo, std::string_view ref) {
  std::error_code ec;
  if (std::filesystem::is_directory(RefPath(repo, ref), ec)) {
    return MakeError(
        TreehubErrc::kRefConflict,
        "ref " + std::string(ref) + " would replace refs under " + std::string(ref) + "/");
  }
  for (auto slash = ref.find('/'); slash != std::string_view::npos;
       slash = ref.find('/', slash + 1)) {
    const std::string_view prefix = ref.substr(0, slash);
    const auto status = std::filesystem::symlink_status(RefPath(repo, prefix), ec);
    if (std::filesystem::exists(status) && !std::filesystem::is_directory(status)) {
      return MakeError(
          TreehubErrc::kRefConflict,
          "ref " + std::string(ref) + " cannot exist beside ref " + std::string(prefix));
    }
  }
  return Ok();
}

Result<std::optional<std::string>> ParentOf(OstreeRepo* repo, const std::string& commit) {
  OTTER_ASSIGN(VariantPtr variant, internal::LoadCommit(repo, commit));
  if (!variant) return std::optional<std::string>();
  GCharPtr parent(ostree_commit_get_parent(variant.get()));
  if (!parent) return std::optional<std::string>();
  return std::optional<std::string>(parent.get());
}

Status CheckUsable(const CommitInfo& info) {
  if (info.complete) return Ok();
  std::string message = "commit " + info.checksum + " is incomplete: " + info.incomplete_reason;
  if (!info.missing_objects.empty()) {
    message += " (" + std::to_string(info.missing_objects.size()) + " listed, first " +
               info.missing_objects.front() + ")";
  }
  return MakeError(TreehubErrc::kIncompleteCommit, message);
}

}  // namespace

Result<std::string> Treehub::Ref(std::string_view ref) const {
  OTTER_TRY(ValidateRefName(ref));
  OTTER_ASSIGN(RepoPtr repo, internal::OpenRepo(path_));
  OTTER_ASSIGN(std::optional<std::string> commit, ResolveRef(repo.get(), path_, std::string(ref)));
  if (!commit) return MakeError(TreehubErrc::kNotFound, "no ref " + std::string(ref));
  return std::move(*commit);
}

Result<std::map<std::string, std::string>> Treehub::Refs() const {
  OTTER_ASSIGN(RepoPtr repo, internal::OpenRepo(path_));
  GHashTable* table = nullptr;
  GlibError error;
  const auto flags = static_cast<OstreeRepoListRefsExtFlags>(
      OSTREE_REPO_LIST_REFS_EXT_EXCLUDE_REMOTES | OSTREE_REPO_LIST_REFS_EXT_EXCLUDE_MIRRORS);
  if (!ostree_repo_list_refs_ext(repo.get(), nullptr, &table, flags, nullptr, error.out())) {
    return ToError(error, TreehubErrc::kRepository, "listing refs");
  }
  HashTablePtr owner(table);
  std::map<std::string, std::string> refs;
  GHashTableIter iter;
  gpointer key = nullptr;
  gpointer value = nullptr;
  g_hash_table_iter_init(&iter, table);
  while (g_hash_table_iter_next(&iter, &key, &value)) {
    refs.emplace(static_cast<const char*>(key), static_cast<const char*>(value));
  }
  return refs;
}

Result<RefChange> Treehub::SetRef(std::string_view ref, std::string_view commit, bool force) const {
  OTTER_TRY(ValidateRefName(ref));
  OTTER_TRY(ValidateChecksum(commit));
  Result<CommitInfo> info = Commit(commit);
  if (!info.ok() && info.error().Is(TreehubErrc::kNotFound)) {
    return MakeError(TreehubErrc::kUnknownCommit,
                     "commit " + std::string(commit) + " is not in the repository");
  }
  if (!info.ok()) return std::move(info).error();
  OTTER_TRY(CheckUsable(*info));
  std::lock_guard lock(ref_mutex_);
  OTTER_ASSIGN(FileLock file_lock, FileLock::Acquire(path_ / kRefLockFile));
  return SetRefLocked(ref, commit, force);
}

Result<RefChange> Treehub::SetRefLocked(std::string_view ref, std::string_view commit,
                                        bool force) const {
  OTTER_TRY(CheckRefPath(path_, ref));
  OTTER_ASSIGN(RepoPtr repo, internal::OpenRepo(path_));
  RefChange change;
  change.ref = std::string(ref);
  change.commit = std::string(commit);
  OTTER_ASSIGN(change.previous, ResolveRef(repo.get(), path_, change.ref));
  if (change.previous == change.commit) return change;
  if (change.previous) {
    const Status forward = CheckFastForward(*change.previous, commit);
    if (!forward.ok() && !force) return forward.error();
    change.forced = !forward.ok();
  }
  GlibError error;
  if (!ostree_repo_set_ref_immediate(repo.get(), nullptr, change.ref.c_str(), change.commit.c_str(),
                                     nullptr, error.out())) {
    return ToError(error, TreehubErrc::kRepository, "setting ref " + change.ref);
  }
  return change;
}

Status Treehub::CheckFastForward(std::string_view current, std::string_view commit) const {
  OTTER_ASSIGN(RepoPtr repo, internal::OpenRepo(path_));
  std::string at(commit);
  for (std::size_t step = 0; step < options_.max_history; ++step) {
    OTTER_ASSIGN(std::optional<std::string> parent, ParentOf(repo.get(), at));
    if (!parent) {
      const Result<VariantPtr> loaded = internal::LoadCommit(repo.get(), at);
      const bool held = loaded.ok() && *loaded != nullptr;
      return MakeError(TreehubErrc::kNotFastForward,
                       "commit " + std::string(commit) + " does not descend from " +
                           std::string(current) + " (the ref's commit): its history ends at " + at +
                           (held ? "" : ", which is not in the repository"));
    }
    if (*parent == current) return Ok();
    at = std::move(*parent);
  }
  return MakeError(TreehubErrc::kNotFastForward,
                   "commit " + std::string(commit) + " does not descend from " +
                       std::string(current) + " within " + std::to_string(options_.max_history) +
                       " commits");
}

}  // namespace otter::treehub
