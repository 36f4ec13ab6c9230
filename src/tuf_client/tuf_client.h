// The operations of `otter-tuf-client`, the command that speaks the TUF
// conformance suite's client protocol over Otter's verifier.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "common/result.h"
#include "common/time.h"

namespace otter::tuf_client {

struct Options {
  std::filesystem::path metadata_dir;
  std::string metadata_url;
  std::vector<std::string> target_names;
  std::string target_base_url;
  std::filesystem::path target_dir;
  TimePoint now;
  // HTTPS: the CA to trust, and a client certificate for mTLS (otter-server's
  // device gateway). Empty: the system's CAs, no client certificate.
  TlsOptions tls;
};

// Copies the trusted root into the metadata folder (no network).
Status Init(const Options& options, const std::filesystem::path& trusted_root);
// Full top-level refresh.
Status Refresh(const Options& options);
// Refresh, then download each target into target_dir under its name.
Status Download(const Options& options);

// The reference time: `--time` if given, else $OTTER_TIME, else a
// libfaketime-style $FAKETIME ("[@]YYYY-MM-DD HH:MM:SS"), else the clock.
Result<TimePoint> ReferenceTime(const std::string& time_option);

}  // namespace otter::tuf_client
