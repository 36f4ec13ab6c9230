// Treehub: the server's OSTree object store. An OSTree archive repository on
// disk that libostree (and the `ostree` CLI) pull from over HTTP, and that
// publishers push to object by object.
//
//   OTTER_ASSIGN(auto hub, treehub::Treehub::Open("/var/lib/otter/treehub"));
//   OTTER_ASSIGN(auto missing, hub->MissingObjects({"3f2a...e1.commit", ...}));
//   OTTER_ASSIGN(auto upload, hub->BeginUpload("3f2a...e1.commit"));
//   OTTER_TRY(upload->Write(bytes));           // as the body streams in
//   OTTER_ASSIGN(auto outcome, upload->Finish());  // verified, then visible
//   OTTER_ASSIGN(auto change, hub->SetRef("os/main", "3f2a...e1", /*force=*/false));
//
// Uploads are verified before they become visible: metadata objects (commit,
// dirtree, dirmeta) must hash to their name as sent, be in GVariant normal
// form and pass libostree's structure checks; a content object (.filez, the
// archive format: zlib-compressed file with its header) is decompressed and
// its checksum (header and data, as libostree defines it) must match the
// name, and its data must be exactly as long as its header says. libostree
// then writes the object in a transaction of its own and checks the checksum
// again. A failed upload leaves nothing in the repository.
//
// Concurrency. Every operation opens its own OstreeRepo, so any number of
// uploads and reads may run at once on worker threads, and several server
// processes may share the repository folder (on one machine, or on a shared
// file system with working flock(2)):
//  - objects are written in per-upload libostree transactions (a locked
//    staging folder under tmp/, renamed into objects/ at commit), and an
//    object's name only ever holds verified bytes;
//  - ref updates are serialized by a mutex in the process and flock(2) on
//    <repo>/otter-refs.lock across processes, so the fast-forward check and
//    the write are atomic together; the ref file itself is replaced
//    atomically (libostree writes a temporary file and renames it);
//  - upload bodies are spooled to unlinked temporary files in <repo>/tmp,
//    which vanish with their process.
// The summary file is not generated: clients pull refs from refs/heads/ or
// by commit checksum. Nothing here deletes objects (no pruning yet).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "treehub/errors.h"

namespace otter::treehub {

// The object types a publisher uploads. Detached commit metadata
// (.commitmeta) is served when present but cannot be uploaded.
enum class ObjectType { kCommit, kDirTree, kDirMeta, kFile };

// "commit", "dirtree", "dirmeta", "filez" (the file name extension in an
// archive repository, and in object names on the wire).
std::string_view ObjectExtension(ObjectType type);

struct ObjectName {
  std::string checksum;  // 64 lowercase hex digits (SHA-256)
  ObjectType type = ObjectType::kFile;

  std::string ToString() const;  // "<checksum>.<extension>"
  bool operator==(const ObjectName& other) const = default;
};

// "<checksum>.<extension>": kInvalidObjectName when the form or the checksum
// is wrong, kUnknownObjectType for another extension.
Result<ObjectName> ParseObjectName(std::string_view name);
// 64 lowercase hex digits, else kInvalidChecksum.
Status ValidateChecksum(std::string_view checksum);
// A ref name libostree accepts (ostree_validate_rev: '/'-separated segments
// of letters, digits, '_', '-' and '.', each starting with a letter, digit or
// '_'), at most 255 characters, and not 64 hex digits (which would read as a
// commit checksum). kInvalidRef otherwise; "..", a leading '/' and empty
// segments never pass.
Status ValidateRefName(std::string_view ref);

struct TreehubOptions {
  // The largest upload accepted (a .filez as sent). Metadata objects are
  // also held to libostree's own 10 MiB limit.
  std::uint64_t max_object_bytes = std::uint64_t{2} << 30;  // 2 GiB
  // The largest uncompressed file in a content object.
  std::uint64_t max_file_bytes = std::uint64_t{16} << 30;  // 16 GiB
  // How many commits back a fast-forward check follows the parent chain.
  std::size_t max_history = 10'000;
};

enum class UploadOutcome {
  kStored,          // verified and now in the repository
  kAlreadyPresent,  // verified; the repository had it already
};

// One object upload in progress: the body is spooled to an unlinked
// temporary file, then verified and stored by Finish(). Destroying it
// without Finish() discards the body. Not thread-safe; use from one thread
// at a time.
class ObjectUpload {
 public:
  ~ObjectUpload();
  ObjectUpload(const ObjectUpload&) = delete;
  ObjectUpload& operator=(const ObjectUpload&) = delete;

  const ObjectName& name() const { return name_; }

  // CommonErrc::kTooLarge past the size limit (an HTTP server answers 413),
  // kNoSpace, kRepository.
  Status Write(std::string_view chunk);
  // Verifies the body and stores it: kHashMismatch, kMalformedObject,
  // kTooLarge, kNoSpace, kRepository. Call at most once.
  Result<UploadOutcome> Finish();

 private:
  friend class Treehub;
  ObjectUpload(ObjectName name, std::filesystem::path repo, const TreehubOptions& options, int fd);

  ObjectName name_;
  std::filesystem::path repo_;
  TreehubOptions options_;
  int fd_;
  std::uint64_t size_ = 0;
  bool finished_ = false;
};

// What the repository knows of a commit.
struct CommitInfo {
  std::string checksum;
  // Every object the commit reaches (its trees, their metadata and files) is
  // present, so a device can pull it and it may become a target.
  bool complete = false;
  // With complete == false: the missing objects found, at most 100
  // ("<checksum>.<extension>"). Empty when a missing tree stopped the walk
  // before anything else was found; `incomplete_reason` says what.
  std::vector<std::string> missing_objects;
  std::string incomplete_reason;
  std::string subject;
  std::string body;
  TimePoint timestamp;
  std::optional<std::string> parent;  // the parent commit's checksum, if any
  std::string version;                // the "version" metadata string, if any
};

struct RefChange {
  std::string ref;
  std::string commit;
  std::optional<std::string> previous;  // the ref's commit before, if it existed
  bool forced = false;                  // a non-fast-forward update made with force
};

class Treehub {
 public:
  // Opens the archive repository at `path`, creating it (and its parent
  // folders) when there is none. Refuses a repository that is not in archive
  // mode: libostree cannot pull from the other modes over HTTP.
  static Result<std::unique_ptr<Treehub>> Open(std::filesystem::path path,
                                               TreehubOptions options = {});

  Treehub(const Treehub&) = delete;
  Treehub& operator=(const Treehub&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const TreehubOptions& options() const { return options_; }

  // The names in `names` ("<checksum>.<extension>") that the repository
  // lacks, in their order, without duplicates. Fails on the first malformed
  // name and then reports nothing.
  Result<std::vector<std::string>> MissingObjects(const std::vector<std::string>& names) const;
  Result<bool> HasObject(const ObjectName& name) const;

  // Starts an upload: fails at once (before any body is read) on a
  // malformed name or an unknown type.
  Result<std::unique_ptr<ObjectUpload>> BeginUpload(std::string_view object_name) const;
  // BeginUpload, Write and Finish for a body already in memory.
  Result<UploadOutcome> WriteObject(std::string_view object_name, std::string_view bytes) const;

  // kNotFound when the repository has no such commit object.
  Result<CommitInfo> Commit(std::string_view checksum) const;

  // The commit a ref points to; kNotFound when there is no such ref.
  Result<std::string> Ref(std::string_view ref) const;
  // Every ref (refs/heads) with its commit.
  Result<std::map<std::string, std::string>> Refs() const;

  // Points `ref` at `commit`, which must be present and complete
  // (kUnknownCommit, kIncompleteCommit). Without `force` an existing ref
  // only moves forward: `commit` must have the ref's current commit in its
  // parent chain as far as the repository holds it (kNotFastForward
  // otherwise). Setting a ref to the commit it has already succeeds.
  Result<RefChange> SetRef(std::string_view ref, std::string_view commit, bool force) const;

 private:
  Treehub(std::filesystem::path path, TreehubOptions options)
      : path_(std::move(path)), options_(options) {}

  Status CheckFastForward(std::string_view current, std::string_view commit) const;
  Result<RefChange> SetRefLocked(std::string_view ref, std::string_view commit, bool force) const;

  std::filesystem::path path_;
  TreehubOptions options_;
  mutable std::mutex ref_mutex_;
};

}  // namespace otter::treehub
