#include "cli/bundle.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "cli/errors.h"
#include "common/file.h"

namespace otter::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kBundleFormat = 1;
constexpr std::size_t kMaxEntryBytes = 16 * 1024 * 1024;

struct ArchiveWriteCloser {
  void operator()(archive* handle) const { archive_write_free(handle); }
};
struct ArchiveReadCloser {
  void operator()(archive* handle) const { archive_read_free(handle); }
};
struct EntryFree {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

Error ArchiveError(archive* handle, const std::string& what) {
  const char* text = archive_error_string(handle);
  return MakeError(CliErrc::kInvalidInput, what + ": " + (text ? text : "libarchive error"));
}

Result<std::string> StringField(const json& answer, const char* name) {
  if (!answer.contains(name) || !answer[name].is_string())
    return MakeError(CliErrc::kServer, std::string("the answer has no \"") + name + "\"");
  return answer[name].get<std::string>();
}

// The root as served: compact JSON with sorted keys, which is how metadata
// is serialised when signed (uptane::SignMetadata), so these are the bytes
// the repository serves. Signatures cover the canonical form of "signed"
// either way.
std::optional<std::string> RootBytes(const json& answer, const char* name) {
  if (!answer.contains(name) || !answer[name].is_object()) return std::nullopt;
  return answer[name].dump();
}

json Manifest(const CredentialBundle& bundle) {
  json files = {{"gateway_url", "gateway.url"},
                {"ca", "ca.pem"},
                {"certificate", "client.pem"},
                {"private_key", "client.key"}};
  if (bundle.image_root) files["image_root"] = "image-root.json";
  if (bundle.director_root) files["director_root"] = "director-root.json";
  json manifest = {{"format", kBundleFormat},
                   {"kind", bundle.kind == BundleKind::kFleet ? "fleet" : "device"},
                   {"gateway_url", bundle.gateway_url},
                   {"files", files}};
  if (bundle.kind == BundleKind::kDevice) {
    manifest["device_id"] = bundle.name;
  } else {
    manifest["name"] = bundle.name;
  }
  return manifest;
}

Status WriteEntry(archive* handle, const ArchiveEntry& file) {
  std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), file.path.c_str());
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(file.data.size()));
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), static_cast<mode_t>(file.mode));
  archive_entry_set_mtime(entry.get(), time(nullptr), 0);
  if (archive_write_header(handle, entry.get()) != ARCHIVE_OK)
    return ArchiveError(handle, "archiving " + file.path);
  const la_ssize_t written = archive_write_data(handle, file.data.data(), file.data.size());
  if (written < 0 || static_cast<std::size_t>(written) != file.data.size())
    return ArchiveError(handle, "archiving " + file.path);
  return Ok();
}

la_ssize_t AppendToString(archive*, void* user, const void* buffer, size_t length) {
  static_cast<std::string*>(user)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

Result<ArchiveEntry> ReadEntry(archive* handle, archive_entry* entry) {
  ArchiveEntry file;
  file.path = archive_entry_pathname(entry);
  file.mode = static_cast<int>(archive_entry_perm(entry));
  const la_int64_t size = archive_entry_size(entry);
  if (size < 0 || static_cast<std::size_t>(size) > kMaxEntryBytes)
    return MakeError(CliErrc::kInvalidInput, file.path + ": entry too large");
  file.data.resize(static_cast<std::size_t>(size));
  const la_ssize_t got = archive_read_data(handle, file.data.data(), file.data.size());
  if (got != size) return ArchiveError(handle, "reading " + file.path);
  return file;
}

}  // namespace

Result<CredentialBundle> BundleFromAnswer(const json& answer, BundleKind kind,
                                          const std::string& name) {
  CredentialBundle bundle;
  bundle.kind = kind;
  bundle.name = name;
  OTTER_ASSIGN(bundle.gateway_url, StringField(answer, "gateway_url"));
  OTTER_ASSIGN(bundle.ca_pem, StringField(answer, "ca"));
  OTTER_ASSIGN(bundle.certificate_pem, StringField(answer, "certificate"));
  OTTER_ASSIGN(bundle.private_key_pem, StringField(answer, "private_key"));
  bundle.image_root = RootBytes(answer, "image_root");
  bundle.director_root = RootBytes(answer, "director_root");
  return bundle;
}

std::vector<ArchiveEntry> BundleEntries(const CredentialBundle& bundle) {
  std::vector<ArchiveEntry> entries = {
      {"bundle.json", Manifest(bundle).dump(2) + "\n"},
      {"gateway.url", bundle.gateway_url + "\n"},
      {"ca.pem", bundle.ca_pem},
      {"client.pem", bundle.certificate_pem},
      {"client.key", bundle.private_key_pem, 0600},
  };
  if (bundle.image_root) entries.push_back({"image-root.json", *bundle.image_root});
  if (bundle.director_root) entries.push_back({"director-root.json", *bundle.director_root});
  return entries;
}

Result<std::string> WriteTarGz(const std::vector<ArchiveEntry>& entries) {
  std::unique_ptr<archive, ArchiveWriteCloser> handle(archive_write_new());
  std::string out;
  archive_write_set_format_pax_restricted(handle.get());
  archive_write_add_filter_gzip(handle.get());
  archive_write_set_bytes_in_last_block(handle.get(), 1);
  if (archive_write_open(handle.get(), &out, nullptr, &AppendToString, nullptr) != ARCHIVE_OK)
    return ArchiveError(handle.get(), "creating the archive");
  for (const ArchiveEntry& entry : entries) OTTER_TRY(WriteEntry(handle.get(), entry));
  if (archive_write_close(handle.get()) != ARCHIVE_OK)
    return ArchiveError(handle.get(), "finishing the archive");
  return out;
}

Result<std::vector<ArchiveEntry>> ReadArchive(const std::string& bytes) {
  std::unique_ptr<archive, ArchiveReadCloser> handle(archive_read_new());
  archive_read_support_filter_all(handle.get());
  archive_read_support_format_tar(handle.get());
  if (archive_read_open_memory(handle.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
    return ArchiveError(handle.get(), "opening the archive");
  std::vector<ArchiveEntry> entries;
  archive_entry* entry = nullptr;
  int status = ARCHIVE_OK;
  while ((status = archive_read_next_header(handle.get(), &entry)) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    OTTER_ASSIGN(ArchiveEntry file, ReadEntry(handle.get(), entry));
    entries.push_back(std::move(file));
  }
  if (status != ARCHIVE_EOF) return ArchiveError(handle.get(), "reading the archive");
  return entries;
}

Status WriteBundleFile(const CredentialBundle& bundle, const fs::path& path) {
  OTTER_ASSIGN(const std::string bytes, WriteTarGz(BundleEntries(bundle)));
  OTTER_TRY_CONTEXT(WriteFileAtomic(path, bytes, fs::perms::owner_read | fs::perms::owner_write),
                    "writing " + path.string());
  return Ok();
}

}  // namespace otter::cli
