#include "tuf_client/tuf_client.h"

#include <cstdlib>
#include <memory>

#include "common/errors.h"
#include "common/file.h"
#include "uptane/fetcher.h"
#include "uptane/image_verifier.h"
#include "uptane/metadata_store.h"
#include "uptane/repository.h"

namespace otter::tuf_client {
namespace {

namespace fs = std::filesystem;

// A repository client with its own HTTP client and store.
struct Session {
  explicit Session(const Options& options)
      : http(HttpClientOptions{.tls = options.tls}),
        store(options.metadata_dir),
        fetcher(http, options.metadata_url),
        repository("repository", store, fetcher) {}

  HttpClient http;
  uptane::DirectoryMetadataStore store;
  uptane::HttpFetcher fetcher;
  uptane::Repository repository;
};

// "dir/name" -> "dir/<sha256>.name", as consistent snapshots store targets.
std::string ConsistentTargetPath(const uptane::TargetFile& target) {
  const auto slash = target.name.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : target.name.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? target.name : target.name.substr(slash + 1);
  return dir + target.hashes.at("sha256") + "." + base;
}

Result<fs::path> LocalTargetPath(const fs::path& target_dir, const std::string& name) {
  const fs::path relative(name);
  for (const auto& part : relative) {
    if (part == ".." || part == "." || part.empty() || relative.is_absolute())
      return MakeError(CommonErrc::kInvalidArgument, "unsafe target name \"" + name + "\"");
  }
  return target_dir / relative;
}

Status DownloadTarget(const Options& options, const uptane::Repository& repository,
                      const uptane::TargetFile& target, HttpClient& http) {
  OTTER_ASSIGN(fs::path destination, LocalTargetPath(options.target_dir, target.name));
  OTTER_ASSIGN(uptane::ImageVerifier verifier, uptane::ImageVerifier::Create(target));
  const bool consistent = repository.root().consistent_snapshot && target.hashes.count("sha256");
  uptane::HttpFetcher fetcher(http, options.target_base_url);
  std::string content;
  OTTER_TRY(fetcher.FetchTo(consistent ? ConsistentTargetPath(target) : target.name,
                            target.length + 1, [&](std::string_view chunk) -> Status {
                              OTTER_TRY(verifier.Update(chunk));
                              content.append(chunk);
                              return Ok();
                            }));
  OTTER_TRY(verifier.Finish());
  std::error_code error;
  fs::create_directories(destination.parent_path(), error);
  if (error) return MakeError(CommonErrc::kIo, "creating " + destination.parent_path().string());
  return WriteFileAtomic(destination, content);
}

Result<TimePoint> ParseFakeTime(std::string text) {
  if (!text.empty() && text.front() == '@') text.erase(0, 1);
  if (text.ends_with("+00:00")) text.resize(text.size() - 6);
  if (text.size() == 19 && text[10] == ' ') text[10] = 'T';
  return ParseTime(text + "Z");
}

}  // namespace

Status Init(const Options& options, const fs::path& trusted_root) {
  OTTER_ASSIGN(std::string bytes, ReadFile(trusted_root, 1024 * 1024));
  uptane::DirectoryMetadataStore store(options.metadata_dir);
  return store.Save("root", bytes);
}

Status Refresh(const Options& options) {
  Session session(options);
  return session.repository.Refresh(options.now);
}

Status Download(const Options& options) {
  Session session(options);
  OTTER_TRY(session.repository.Refresh(options.now));
  for (const std::string& name : options.target_names) {
    OTTER_ASSIGN(uptane::TargetFile target, session.repository.FindTarget(name, options.now));
    OTTER_TRY_CONTEXT(DownloadTarget(options, session.repository, target, session.http),
                      "downloading " + name);
  }
  return Ok();
}

Result<TimePoint> ReferenceTime(const std::string& time_option) {
  if (!time_option.empty()) return ParseTime(time_option);
  if (const char* otter_time = std::getenv("OTTER_TIME")) return ParseTime(otter_time);
  if (const char* fake_time = std::getenv("FAKETIME")) {
    auto parsed = ParseFakeTime(fake_time);
    if (parsed) return parsed;
  }
  return SystemClock().Now();
}

}  // namespace otter::tuf_client
