// Credential bundles: what `otter fleet credentials` and `otter device
// create` write for devices, a gzip-compressed tar (docs/formats/credentials-bundle.md):
//
//   bundle.json         manifest: kind, device_id, gateway_url, files
//   gateway.url         the device gateway URL, one line
//   ca.pem              the server CA
//   client.pem          the client certificate (fleet provisioning or device)
//   client.key          its private key (mode 0600)
//   image-root.json     the Image repository's root, as the device first trusts it
//   director-root.json  the Director's root
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace otter::cli {

enum class BundleKind { kFleet, kDevice };

struct CredentialBundle {
  BundleKind kind = BundleKind::kFleet;
  std::string name;  // the device id, or the fleet credential's name
  std::string gateway_url;
  std::string ca_pem;
  std::string certificate_pem;
  std::string private_key_pem;
  std::optional<std::string> image_root;  // root.json bytes
  std::optional<std::string> director_root;
};

// From the answer of POST /api/v1/fleet/credentials or /api/v1/devices.
// kServer when a required field is missing.
Result<CredentialBundle> BundleFromAnswer(const nlohmann::json& answer, BundleKind kind,
                                          const std::string& name);

struct ArchiveEntry {
  std::string path;
  std::string data;
  int mode = 0644;
};

// The entries of a bundle, bundle.json first.
std::vector<ArchiveEntry> BundleEntries(const CredentialBundle& bundle);

// A gzip tar of `entries`, in memory.
Result<std::string> WriteTarGz(const std::vector<ArchiveEntry>& entries);
// Reads a tar (compressed or not) back: every regular file.
Result<std::vector<ArchiveEntry>> ReadArchive(const std::string& bytes);

// Writes the bundle archive with mode 0600 (it holds a private key).
Status WriteBundleFile(const CredentialBundle& bundle, const std::filesystem::path& path);

}  // namespace otter::cli
