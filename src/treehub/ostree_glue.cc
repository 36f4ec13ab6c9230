#include "treehub/ostree_glue.h"

#include <fcntl.h>

namespace otter::treehub::internal {

Error ToError(const GlibError& error, TreehubErrc code, std::string_view context) {
  if (error.Matches(G_IO_ERROR, G_IO_ERROR_NO_SPACE)) code = TreehubErrc::kNoSpace;
  return MakeError(code, std::string(context) + ": " + error.message());
}

Result<RepoPtr> OpenRepo(const std::filesystem::path& path) {
  GlibError error;
  RepoPtr repo(ostree_repo_open_at(AT_FDCWD, path.c_str(), nullptr, error.out()));
  if (!repo) return ToError(error, TreehubErrc::kRepository, "opening " + path.string());
  return repo;
}

Result<Transaction> Transaction::Begin(OstreeRepo* repo) {
  GlibError error;
  if (!ostree_repo_prepare_transaction(repo, nullptr, nullptr, error.out())) {
    return ToError(error, TreehubErrc::kRepository, "starting a transaction");
  }
  return Transaction(repo);
}

Transaction::~Transaction() {
  if (repo_ != nullptr) ostree_repo_abort_transaction(repo_, nullptr, nullptr);
}

Status Transaction::Commit() {
  GlibError error;
  OstreeRepo* repo = repo_;
  repo_ = nullptr;  // a failed commit is aborted by libostree itself
  if (!ostree_repo_commit_transaction(repo, nullptr, nullptr, error.out())) {
    ostree_repo_abort_transaction(repo, nullptr, nullptr);
    return ToError(error, TreehubErrc::kRepository, "committing the transaction");
  }
  return Ok();
}

OstreeObjectType ToOstreeType(ObjectType type) {
  switch (type) {
    case ObjectType::kCommit:
      return OSTREE_OBJECT_TYPE_COMMIT;
    case ObjectType::kDirTree:
      return OSTREE_OBJECT_TYPE_DIR_TREE;
    case ObjectType::kDirMeta:
      return OSTREE_OBJECT_TYPE_DIR_META;
    case ObjectType::kFile:
      return OSTREE_OBJECT_TYPE_FILE;
  }
  return OSTREE_OBJECT_TYPE_FILE;
}

Result<bool> RepoHasObject(OstreeRepo* repo, OstreeObjectType type, const std::string& checksum) {
  gboolean have = FALSE;
  GlibError error;
  if (!ostree_repo_has_object(repo, type, checksum.c_str(), &have, nullptr, error.out())) {
    return ToError(error, TreehubErrc::kRepository, "looking up " + checksum);
  }
  return have != FALSE;
}

Result<VariantPtr> LoadCommit(OstreeRepo* repo, const std::string& checksum) {
  GVariant* commit = nullptr;
  GlibError error;
  if (!ostree_repo_load_variant_if_exists(repo, OSTREE_OBJECT_TYPE_COMMIT, checksum.c_str(),
                                          &commit, error.out())) {
    return ToError(error, TreehubErrc::kRepository, "loading commit " + checksum);
  }
  return VariantPtr(commit);
}

}  // namespace otter::treehub::internal
