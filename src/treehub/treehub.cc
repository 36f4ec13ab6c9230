// Opening the repository, looking objects up, and starting uploads.
#include "treehub/treehub.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <system_error>

#include "treehub/ostree_glue.h"

namespace otter::treehub {
namespace {

using internal::GlibError;
using internal::RepoPtr;

Result<RepoPtr> CreateRepo(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec)
    return MakeError(TreehubErrc::kRepository, "creating " + path.string() + ": " + ec.message());
  GlibError error;
  RepoPtr repo(ostree_repo_create_at(AT_FDCWD, path.c_str(), OSTREE_REPO_MODE_ARCHIVE, nullptr,
                                     nullptr, error.out()));
  if (!repo) return ToError(error, TreehubErrc::kRepository, "creating " + path.string());
  return repo;
}

Result<RepoPtr> OpenOrCreate(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path / "config", ec)) return internal::OpenRepo(path);
  return CreateRepo(path);
}

// An unlinked temporary file in the repository's tmp/ (the same file
// system as the objects), gone when its descriptor closes.
Result<int> AnonymousFile(const std::filesystem::path& repo) {
  std::string pattern = (repo / "tmp" / "otter-upload-XXXXXX").string();
  const int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) {
    const Error error = ErrnoError("creating a temporary file in " + repo.string(), errno);
    return MakeError(errno == ENOSPC ? TreehubErrc::kNoSpace : TreehubErrc::kRepository,
                     error.message());
  }
  ::unlink(pattern.c_str());
  return fd;
}

}  // namespace

Result<std::unique_ptr<Treehub>> Treehub::Open(std::filesystem::path path, TreehubOptions options) {
  OTTER_ASSIGN(RepoPtr repo, OpenOrCreate(path));
  if (ostree_repo_get_mode(repo.get()) != OSTREE_REPO_MODE_ARCHIVE) {
    return MakeError(TreehubErrc::kRepository,
                     path.string() + " is not an archive-mode OSTree repository");
  }
  return std::unique_ptr<Treehub>(new Treehub(std::move(path), options));
}

Result<bool> Treehub::HasObject(const ObjectName& name) const {
  OTTER_ASSIGN(RepoPtr repo, internal::OpenRepo(path_));
  return internal::RepoHasObject(repo.get(), internal::ToOstreeType(name.type), name.checksum);
}

Result<std::vector<std::string>> Treehub::MissingObjects(
    const std::vector<std::string>& names) const {
  std::vector<ObjectName> parsed;
  parsed.reserve(names.size());
  for (const std::string& name : names) {
    OTTER_ASSIGN(ObjectName object, ParseObjectName(name));
    parsed.push_back(std::move(object));
  }
  OTTER_ASSIGN(RepoPtr repo, internal::OpenRepo(path_));
  std::vector<std::string> missing;
  std::set<std::string> seen;
  for (const ObjectName& object : parsed) {
    std::string name = object.ToString();
    if (!seen.insert(name).second) continue;
    OTTER_ASSIGN(
        const bool present,
        internal::RepoHasObject(repo.get(), internal::ToOstreeType(object.type), object.checksum));
    if (!present) missing.push_back(std::move(name));
  }
  return missing;
}

Result<std::unique_ptr<ObjectUpload>> Treehub::BeginUpload(std::string_view object_name) const {
  OTTER_ASSIGN(ObjectName name, ParseObjectName(object_name));
  OTTER_ASSIGN(const int fd, AnonymousFile(path_));
  return std::unique_ptr<ObjectUpload>(new ObjectUpload(std::move(name), path_, options_, fd));
}

Result<UploadOutcome> Treehub::WriteObject(std::string_view object_name,
                                           std::string_view bytes) const {
  OTTER_ASSIGN(std::unique_ptr<ObjectUpload> upload, BeginUpload(object_name));
  OTTER_TRY(upload->Write(bytes));
  return upload->Finish();
}

}  // namespace otter::treehub
