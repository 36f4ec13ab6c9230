// An object upload: spooled to a temporary file, verified, then written
// into the repository by libostree in a transaction of its own.
#include <endian.h>
#include <gio/gunixinputstream.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "common/hash.h"
#include "treehub/ostree_glue.h"
#include "treehub/treehub.h"

namespace otter::treehub {
namespace {

using internal::GCharPtr;
using internal::GlibError;
using internal::GObjectPtr;
using internal::RepoPtr;
using internal::VariantPtr;

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::uint32_t kMaxFileHeaderBytes = OSTREE_MAX_METADATA_SIZE;

std::uint64_t SizeLimit(ObjectType type, const TreehubOptions& options) {
  if (type == ObjectType::kFile) return options.max_object_bytes;
  return std::min<std::uint64_t>(options.max_object_bytes, OSTREE_MAX_METADATA_SIZE);
}

Error IoError(std::string what, int error_number) {
  const std::string message = ErrnoError(std::move(what), error_number).message();
  return MakeError(error_number == ENOSPC || error_number == EDQUOT ? TreehubErrc::kNoSpace
                                                                    : TreehubErrc::kRepository,
                   message);
}

Result<std::string> ReadAll(int fd, std::uint64_t size) {
  std::string bytes(size, '\0');
  std::uint64_t done = 0;
  while (done < size) {
    const ssize_t count = ::pread(fd, bytes.data() + done, size - done, static_cast<off_t>(done));
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) return IoError("reading the upload", count < 0 ? errno : EIO);
    done += static_cast<std::uint64_t>(count);
  }
  return bytes;
}

Error Malformed(const ObjectName& name, std::string_view why) {
  return MakeError(TreehubErrc::kMalformedObject, name.ToString() + ": " + std::string(why));
}

Error Mismatch(const ObjectName& name, std::string_view actual) {
  return MakeError(TreehubErrc::kHashMismatch,
                   name.ToString() + ": the content hashes to " + std::string(actual));
}

// Whether the checksum libostree computed (32 bytes) is the object's name.
Status CheckWritten(const ObjectName& name, guchar* written) {
  GCharPtr actual(ostree_checksum_from_bytes(written));
  g_free(written);
  if (name.checksum == actual.get()) return Ok();
  return Mismatch(name, actual.get());
}

// ---- metadata objects: commit, dirtree, dirmeta ----

Status ValidateStructure(const ObjectName& name, GVariant* variant) {
  GlibError error;
  gboolean valid = FALSE;
  switch (name.type) {
    case ObjectType::kCommit:
      valid = ostree_validate_structureof_commit(variant, error.out());
      break;
    case ObjectType::kDirTree:
      valid = ostree_validate_structureof_dirtree(variant, error.out());
      break;
    case ObjectType::kDirMeta:
      valid = ostree_validate_structureof_dirmeta(variant, error.out());
      break;
    case ObjectType::kFile:
      break;
  }
  if (!valid) return Malformed(name, error.message());
  return Ok();
}

Result<VariantPtr> ParseMetadata(const ObjectName& name, const std::string& bytes) {
  const std::string actual = Sha256Hex(bytes);
  if (actual != name.checksum) return Mismatch(name, actual);
  GBytes* data = g_bytes_new(bytes.data(), bytes.size());
  const GVariantType* type = ostree_metadata_variant_type(internal::ToOstreeType(name.type));
  VariantPtr variant(g_variant_ref_sink(g_variant_new_from_bytes(type, data, FALSE)));
  g_bytes_unref(data);
  if (!g_variant_is_normal_form(variant.get())) {
    return Malformed(name, "not a GVariant in normal form");
  }
  OTTER_TRY(ValidateStructure(name, variant.get()));
  return variant;
}

Status WriteMetadata(OstreeRepo* repo, const ObjectName& name, GVariant* variant) {
  guchar* written = nullptr;
  GlibError error;
  if (!ostree_repo_write_metadata(repo, internal::ToOstreeType(name.type), name.checksum.c_str(),
                                  variant, &written, nullptr, error.out())) {
    return ToError(error, TreehubErrc::kRepository, "writing " + name.ToString());
  }
  return CheckWritten(name, written);
}

// ---- content objects: .filez ----

// A content object as its .filez header describes it, and its data
// decompressed as it is read.
struct Content {
  GObjectPtr<GInputStream> stream;  // the header and the data, as libostree hashes them
  std::uint64_t length = 0;
};

Status CheckFileHeaderSize(int fd, const ObjectName& name) {
  std::uint32_t size_be = 0;
  if (::pread(fd, &size_be, sizeof(size_be), 0) != static_cast<ssize_t>(sizeof(size_be))) {
    return Malformed(name, "shorter than a file header");
  }
  if (be32toh(size_be) > kMaxFileHeaderBytes) return Malformed(name, "file header too large");
  return Ok();
}

Status CheckFileInfo(const ObjectName& name, GFileInfo* info, const TreehubOptions& options) {
  const GFileType type = g_file_info_get_file_type(info);
  if (type != G_FILE_TYPE_REGULAR && type != G_FILE_TYPE_SYMBOLIC_LINK) {
    return Malformed(name, "neither a regular file nor a symbolic link");
  }
  GlibError error;
  const guint32 mode = g_file_info_get_attribute_uint32(info, "unix::mode");
  if (!ostree_validate_structureof_file_mode(mode, error.out())) {
    return Malformed(name, error.message());
  }
  if (type == G_FILE_TYPE_REGULAR &&
      static_cast<std::uint64_t>(g_file_info_get_size(info)) > options.max_file_bytes) {
    return MakeError(TreehubErrc::kTooLarge, name.ToString() + ": file larger than " +
                                                 std::to_string(options.max_file_bytes) + " bytes");
  }
  return Ok();
}

// Parses the spooled .filez from its start.
Result<Content> OpenContent(int fd, std::uint64_t size, const ObjectName& name,
                            const TreehubOptions& options) {
  OTTER_TRY(CheckFileHeaderSize(fd, name));
  if (::lseek(fd, 0, SEEK_SET) != 0) return IoError("rewinding the upload", errno);
  GObjectPtr<GInputStream> raw(g_unix_input_stream_new(fd, FALSE));
  GInputStream* data = nullptr;
  GFileInfo* info = nullptr;
  GVariant* xattrs = nullptr;
  GlibError error;
  if (!ostree_content_stream_parse(TRUE, raw.get(), size, FALSE, &data, &info, &xattrs, nullptr,
                                   error.out())) {
    return Malformed(name, error.message());
  }
  GObjectPtr<GInputStream> data_owner(data);
  GObjectPtr<GFileInfo> info_owner(info);
  VariantPtr xattrs_owner(xattrs);
  OTTER_TRY(CheckFileInfo(name, info, options));
  Content content;
  GInputStream* stream = nullptr;
  guint64 length = 0;
  if (!ostree_raw_file_to_content_stream(data, info, xattrs, &stream, &length, nullptr,
                                         error.out())) {
    return Malformed(name, error.message());
  }
  content.stream.reset(stream);
  content.length = length;
  return content;
}

// Reads the whole content: it must be exactly as long as its header says
// (a bound on what decompression may produce) and hash to the name.
Status VerifyContent(const ObjectName& name, const Content& content) {
  Hasher hasher(HashAlgorithm::kSha256);
  std::vector<char> buffer(kReadChunk);
  std::uint64_t total = 0;
  while (true) {
    GlibError error;
    const gssize count = g_input_stream_read(content.stream.get(), buffer.data(), buffer.size(),
                                             nullptr, error.out());
    if (count < 0) return Malformed(name, error.message());
    if (count == 0) break;
    total += static_cast<std::uint64_t>(count);
    if (total > content.length) return Malformed(name, "data longer than its header says");
    hasher.Update(std::string_view(buffer.data(), static_cast<std::size_t>(count)));
  }
  if (total != content.length) return Malformed(name, "data shorter than its header says");
  const std::string actual = hasher.FinishHex();
  if (actual != name.checksum) return Mismatch(name, actual);
  return Ok();
}

Status WriteContent(OstreeRepo* repo, const ObjectName& name, const Content& content) {
  guchar* written = nullptr;
  GlibError error;
  if (!ostree_repo_write_content(repo, name.checksum.c_str(), content.stream.get(), content.length,
                                 &written, nullptr, error.out())) {
    return ToError(error, TreehubErrc::kRepository, "writing " + name.ToString());
  }
  return CheckWritten(name, written);
}

// Runs `write` in a transaction of its own, unless the object is there.
template <typename Write>
Result<UploadOutcome> Store(const std::filesystem::path& path, const ObjectName& name,
                            Write write) {
  OTTER_ASSIGN(RepoPtr repo, internal::OpenRepo(path));
  OTTER_ASSIGN(
      const bool present,
      internal::RepoHasObject(repo.get(), internal::ToOstreeType(name.type), name.checksum));
  if (present) return UploadOutcome::kAlreadyPresent;
  OTTER_ASSIGN(internal::Transaction transaction, internal::Transaction::Begin(repo.get()));
  OTTER_TRY(write(repo.get()));
  OTTER_TRY(transaction.Commit());
  return UploadOutcome::kStored;
}

}  // namespace

ObjectUpload::ObjectUpload(ObjectName name, std::filesystem::path repo,
                           const TreehubOptions& options, int fd)
    : name_(std::move(name)), repo_(std::move(repo)), options_(options), fd_(fd) {}

ObjectUpload::~ObjectUpload() { ::close(fd_); }

Status ObjectUpload::Write(std::string_view chunk) {
  if (finished_) return MakeError(TreehubErrc::kRepository, "the upload is finished");
  const std::uint64_t limit = SizeLimit(name_.type, options_);
  if (chunk.size() > limit - size_) {
    return MakeError(CommonErrc::kTooLarge,
                     name_.ToString() + ": larger than " + std::to_string(limit) + " bytes");
  }
  while (!chunk.empty()) {
    const ssize_t count = ::write(fd_, chunk.data(), chunk.size());
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return IoError("spooling " + name_.ToString(), errno);
    chunk.remove_prefix(static_cast<std::size_t>(count));
    size_ += static_cast<std::uint64_t>(count);
  }
  return Ok();
}

Result<UploadOutcome> ObjectUpload::Finish() {
  if (finished_) return MakeError(TreehubErrc::kRepository, "the upload is finished");
  finished_ = true;
  if (name_.type != ObjectType::kFile) {
    OTTER_ASSIGN(const std::string bytes, ReadAll(fd_, size_));
    OTTER_ASSIGN(VariantPtr variant, ParseMetadata(name_, bytes));
    return Store(repo_, name_,
                 [&](OstreeRepo* repo) { return WriteMetadata(repo, name_, variant.get()); });
  }
  {
    OTTER_ASSIGN(const Content content, OpenContent(fd_, size_, name_, options_));
    OTTER_TRY(VerifyContent(name_, content));
  }
  return Store(repo_, name_, [&](OstreeRepo* repo) -> Status {
    OTTER_ASSIGN(const Content content, OpenContent(fd_, size_, name_, options_));
    return WriteContent(repo, name_, content);
  });
}

}  // namespace otter::treehub
