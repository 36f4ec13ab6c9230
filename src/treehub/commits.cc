// What the repository knows of a commit: its metadata, and whether every
// object it reaches is present.
#include "treehub/ostree_glue.h"
#include "treehub/treehub.h"

namespace otter::treehub {
namespace {

using internal::GCharPtr;
using internal::GlibError;
using internal::HashTablePtr;
using internal::RepoPtr;
using internal::VariantPtr;

constexpr std::size_t kMaxMissingListed = 100;

std::string ChildString(GVariant* commit, gsize index) {
  VariantPtr child(g_variant_get_child_value(commit, index));
  return g_variant_get_string(child.get(), nullptr);
}

std::string MetadataString(GVariant* commit, const char* key) {
  VariantPtr metadata(g_variant_get_child_value(commit, 0));
  const char* value = nullptr;
  if (!g_variant_lookup(metadata.get(), key, "&s", &value)) return {};
  return value;
}

void DescribeCommit(GVariant* commit, CommitInfo& info) {
  info.subject = ChildString(commit, 3);
  info.body = ChildString(commit, 4);
  info.timestamp = TimePoint(std::chrono::seconds(ostree_commit_get_timestamp(commit)));
  GCharPtr parent(ostree_commit_get_parent(commit));
  if (parent) info.parent = parent.get();
  info.version = MetadataString(commit, "version");
}

// "<checksum>.<extension>" as in an archive repository's file names.
std::string WireName(const char* checksum, OstreeObjectType type) {
  if (type == OSTREE_OBJECT_TYPE_FILE) return std::string(checksum) + ".filez";
  GCharPtr name(ostree_object_to_string(checksum, type));
  return name.get();
}

// Checks every object the commit reaches. libostree's traversal loads the
// trees, so a missing tree ends it: that is reported as the reason.
Status CheckComplete(OstreeRepo* repo, CommitInfo& info) {
  GHashTable* reachable = nullptr;
  GlibError error;
  if (!ostree_repo_traverse_commit(repo, info.checksum.c_str(), 0, &reachable, nullptr,
                                   error.out())) {
    if (!error.Matches(G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) {
      return ToError(error, TreehubErrc::kRepository, "traversing " + info.checksum);
    }
    info.complete = false;
    info.incomplete_reason = error.message();
    return Ok();
  }
  HashTablePtr owner(reachable);
  GHashTableIter iter;
  gpointer key = nullptr;
  g_hash_table_iter_init(&iter, reachable);
  while (g_hash_table_iter_next(&iter, &key, nullptr)) {
    const char* checksum = nullptr;
    OstreeObjectType type = OSTREE_OBJECT_TYPE_FILE;
    ostree_object_name_deserialize(static_cast<GVariant*>(key), &checksum, &type);
    OTTER_ASSIGN(const bool present, internal::RepoHasObject(repo, type, checksum));
    if (present) continue;
    info.complete = false;
    if (info.missing_objects.size() < kMaxMissingListed) {
      info.missing_objects.push_back(WireName(checksum, type));
    }
  }
  if (!info.complete) info.incomplete_reason = "objects are missing";
  return Ok();
}

}  // namespace

Result<CommitInfo> Treehub::Commit(std::string_view checksum) const {
  OTTER_TRY(ValidateChecksum(checksum));
  OTTER_ASSIGN(RepoPtr repo, internal::OpenRepo(path_));
  CommitInfo info;
  info.checksum = std::string(checksum);
  OTTER_ASSIGN(VariantPtr commit, internal::LoadCommit(repo.get(), info.checksum));
  if (!commit) return MakeError(TreehubErrc::kNotFound, "no commit " + info.checksum);
  DescribeCommit(commit.get(), info);
  info.complete = true;
  OTTER_TRY(CheckComplete(repo.get(), info));
  return info;
}

}  // namespace otter::treehub
