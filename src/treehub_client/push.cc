// PushCommit: walk the local commit, ask the server what it lacks, upload
// that in parallel (the commit object last), then move the ref.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "treehub_client/local_repo.h"
#include "treehub_client/server_api.h"
#include "treehub_client/treehub_client.h"

namespace otter::treehub_client {
namespace {

using internal::LocalObject;
using internal::LocalRepo;
using internal::ServerApi;

constexpr std::size_t kMissingBatch = 1000;
constexpr std::size_t kMaxParallelism = 64;
constexpr std::chrono::milliseconds kRetryPause{250};

bool IsChecksum(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status CheckOptions(const PushOptions& options) {
  if (options.repo.empty() || options.ref.empty() || options.server_url.empty()) {
    return MakeError(TreehubClientErrc::kInvalidArgument,
                     "a push needs a local repository, a ref and a server URL");
  }
  return Ok();
}

// The server ref to set, or "" for none.
std::string RefToSet(const PushOptions& options) {
  if (!options.update_ref) return {};
  if (!options.remote_ref.empty()) return options.remote_ref;
  return IsChecksum(options.ref) ? std::string() : options.ref;
}

Result<std::vector<LocalObject>> FindMissing(ServerApi& api, std::vector<LocalObject> objects) {
  std::vector<std::string> missing;
  for (std::size_t start = 0; start < objects.size(); start += kMissingBatch) {
    std::vector<std::string> names;
    for (std::size_t i = start; i < std::min(objects.size(), start + kMissingBatch); ++i) {
      names.push_back(objects[i].name);
    }
    OTTER_ASSIGN(std::vector<std::string> lacking, api.Missing(names));
    missing.insert(missing.end(), lacking.begin(), lacking.end());
  }
  std::sort(missing.begin(), missing.end());
  std::erase_if(objects, [&](const LocalObject& object) {
    return !std::binary_search(missing.begin(), missing.end(), object.name);
  });
  return objects;
}

// The uploads of one push, shared by its worker threads.
class Uploader {
 public:
  Uploader(const PushOptions& options, const std::vector<LocalObject>& objects,
           PushProgress& progress)
      : options_(options), objects_(objects), progress_(progress) {}

  // Uploads objects_[first, last) with `threads` workers.
  Status Run(std::size_t first, std::size_t last, std::size_t threads) {
    next_ = first;
    last_ = last;
    {
      std::vector<std::jthread> workers;
      for (std::size_t i = 0; i < std::min(threads, last - first); ++i) {
        workers.emplace_back([this] { Work(); });
      }
    }
    if (error_) return *error_;
    return Ok();
  }

  std::uint64_t bytes_sent() const { return bytes_sent_; }

 private:
  void Work() {
    Result<LocalRepo> repo = LocalRepo::Open(options_.repo);
    if (!repo.ok()) return Fail(std::move(repo).error());
    ServerApi api(options_);
    for (std::size_t i = next_++; i < last_ && !failed_; i = next_++) {
      Result<std::uint64_t> sent = UploadWithRetries(*repo, api, objects_[i]);
      if (!sent.ok()) return Fail(std::move(sent).error());
      bytes_sent_ += *sent;
      Report(objects_[i]);
    }
  }

  Result<std::uint64_t> UploadWithRetries(const LocalRepo& repo, ServerApi& api,
                                          const LocalObject& object) {
    for (int attempt = 0;; ++attempt) {
      OTTER_ASSIGN(internal::ObjectBody body, repo.OpenBody(object));
      Result<std::uint64_t> sent = api.Upload(object, std::move(body));
      if (sent.ok() || attempt >= options_.retries || !internal::IsTransient(sent.error())) {
        return sent;
      }
      std::this_thread::sleep_for(kRetryPause * (attempt + 1));
    }
  }

  void Report(const LocalObject& object) {
    std::lock_guard lock(mutex_);
    ++progress_.objects_done;
    progress_.bytes_done += object.size;
    if (options_.progress) options_.progress(progress_);
  }

  void Fail(Error error) {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = std::move(error);
    failed_ = true;
  }

  const PushOptions& options_;
  const std::vector<LocalObject>& objects_;
  PushProgress& progress_;
  std::atomic<std::size_t> next_{0};
  std::size_t last_ = 0;
  std::atomic<bool> failed_{false};
  std::atomic<std::uint64_t> bytes_sent_{0};
  std::mutex mutex_;
  std::optional<Error> error_;
};

Status FillSizes(const LocalRepo& repo, std::vector<LocalObject>& objects, PushProgress& progress) {
  for (LocalObject& object : objects) {
    OTTER_ASSIGN(object.size, repo.StorageSize(object));
    progress.bytes_total += object.size;
  }
  progress.objects_total = objects.size();
  return Ok();
}

// Uploads everything but the commit object in parallel, then the commit.
Result<std::uint64_t> UploadAll(const PushOptions& options, const std::vector<LocalObject>& missing,
                                PushProgress& progress) {
  const auto commit_start = std::find_if(missing.begin(), missing.end(), [](const auto& object) {
    return object.type == OSTREE_OBJECT_TYPE_COMMIT;
  });
  const auto split = static_cast<std::size_t>(commit_start - missing.begin());
  const std::size_t threads = std::clamp<std::size_t>(options.parallelism, 1, kMaxParallelism);
  Uploader uploader(options, missing, progress);
  OTTER_TRY(uploader.Run(0, split, threads));
  OTTER_TRY(uploader.Run(split, missing.size(), 1));
  return uploader.bytes_sent();
}

Status UpdateRef(const PushOptions& options, PushSummary& summary) {
  summary.ref = RefToSet(options);
  if (summary.ref.empty()) return Ok();
  ServerApi api(options);
  OTTER_ASSIGN(const internal::RefUpdate update,
               api.SetRef(summary.ref, summary.commit, options.force));
  summary.previous = update.previous;
  summary.forced = update.forced;
  return Ok();
}

}  // namespace

Result<std::string> ResolveLocalCommit(const std::filesystem::path& repo, const std::string& ref) {
  OTTER_ASSIGN(const LocalRepo local, LocalRepo::Open(repo));
  return local.Resolve(ref);
}

Result<PushSummary> PushCommit(const PushOptions& options) {
  OTTER_TRY(CheckOptions(options));
  OTTER_ASSIGN(const LocalRepo local, LocalRepo::Open(options.repo));
  PushSummary summary;
  OTTER_ASSIGN(summary.commit, local.Resolve(options.ref));
  OTTER_ASSIGN(std::vector<LocalObject> objects, local.Objects(summary.commit));
  summary.objects_total = objects.size();
  ServerApi api(options);
  OTTER_ASSIGN(std::vector<LocalObject> missing, FindMissing(api, std::move(objects)));
  PushProgress progress;
  OTTER_TRY(FillSizes(local, missing, progress));
  if (options.progress) options.progress(progress);
  OTTER_ASSIGN(summary.bytes_uploaded, UploadAll(options, missing, progress));
  summary.objects_uploaded = missing.size();
  summary.objects_skipped = summary.objects_total - summary.objects_uploaded;
  OTTER_TRY(UpdateRef(options, summary));
  return summary;
}

}  // namespace otter::treehub_client
