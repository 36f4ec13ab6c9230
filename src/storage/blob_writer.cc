// BlobWriter: streams into a locked temporary file, then verifies, syncs and
// publishes it (see blob_store.h).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/hash.h"
#include "storage/blob_files.h"
#include "storage/blob_store.h"

namespace otter::storage {

namespace fs = std::filesystem;

struct BlobWriter::State {
  std::shared_ptr<BlobFileIo> io;
  fs::path blobs_folder;  // <root>/blobs/sha256
  fs::path temp_path;
  UniqueFd fd;
  Hasher hasher{HashAlgorithm::kSha256};
  std::uint64_t size = 0;
  std::uint64_t max_size = 0;
  bool finished = false;

  // Makes the temporary file's bytes durable and readable, and closes it.
  Status Finish();
};

namespace {

Error Finished() {
  return MakeError(StorageErrc::kInvalidArgument, "blob writer already committed or aborted");
}

Status WriteAll(BlobFileIo& io, int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    const ssize_t count = io.Write(fd, data.data(), data.size());
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return FileError("writing " + path.string(), errno);
    if (count == 0) return FileError("writing " + path.string(), EIO);
    data.remove_prefix(static_cast<std::size_t>(count));
  }
  return Ok();
}

}  // namespace

BlobWriter::BlobWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}

Result<BlobWriter> BlobWriter::Start(const fs::path& root, std::uint64_t max_size,
                                     std::shared_ptr<BlobFileIo> io) {
  auto state = std::make_unique<State>();
  OTTER_ASSIGN(auto temp, CreateLockedTemp(TmpFolder(root)));
  state->fd = std::move(temp.first);
  state->temp_path = std::move(temp.second);
  state->io = std::move(io);
  state->blobs_folder = BlobsFolder(root);
  state->max_size = max_size;
  return BlobWriter(std::move(state));
}
BlobWriter::BlobWriter(BlobWriter&&) noexcept = default;

BlobWriter& BlobWriter::operator=(BlobWriter&& other) noexcept {
  if (this != &other) {
    Abort();
    state_ = std::move(other.state_);
  }
  return *this;
}

BlobWriter::~BlobWriter() { Abort(); }

std::uint64_t BlobWriter::size() const { return state_ ? state_->size : 0; }

void BlobWriter::Abort() {
  if (!state_ || state_->finished) return;
  state_->finished = true;
  state_->fd.Close();
  ::unlink(state_->temp_path.c_str());
}

Status BlobWriter::Write(std::string_view data) {
  if (!state_ || state_->finished) return Finished();
  if (data.size() > state_->max_size - state_->size) {
    Abort();
    return MakeError(StorageErrc::kTooLarge,
                     "blob larger than " + std::to_string(state_->max_size) + " bytes");
  }
  Status written = WriteAll(*state_->io, state_->fd.get(), data, state_->temp_path);
  if (!written.ok()) {
    Abort();
    return std::move(written).error().WithContext("storing blob");
  }
  state_->hasher.Update(data);
  state_->size += data.size();
  return Ok();
}

Result<BlobInfo> BlobWriter::Commit(std::optional<std::string_view> expected_sha256) {
  if (!state_ || state_->finished) return Finished();
  std::optional<std::string> expected;
  if (expected_sha256) {
    Result<std::string> normalized = NormalizeSha256(*expected_sha256);
    if (!normalized.ok()) Abort();
    OTTER_ASSIGN(expected, std::move(normalized));
  }
  BlobInfo info{state_->hasher.FinishHex(), {}, state_->size};
  if (expected && *expected != info.sha256) {
    Abort();
    return MakeError(StorageErrc::kHashMismatch,
                     "blob has sha256 " + info.sha256 + ", expected " + *expected);
  }
  info.path = state_->blobs_folder / info.sha256.substr(0, 2) / info.sha256;
  Status status = state_->Finish();
  if (status.ok()) status = Publish(state_->temp_path, info.path, info.size);
  if (!status.ok()) {
    Abort();
    return std::move(status).error().WithContext("storing blob " + info.sha256);
  }
  state_->finished = true;  // Publish() consumed the temporary file
  return info;
}

Status BlobWriter::State::Finish() {
  const std::string path = temp_path.string();
  if (io->Sync(fd.get()) != 0) return FileError("syncing " + path, errno);
  if (::fchmod(fd.get(), 0644) != 0) return FileError("chmod " + path, errno);
  if (fd.Close() != 0) return FileError("closing " + path, errno);
  return Ok();
}

}  // namespace otter::storage
