// otter-tuf-client: a TUF client speaking the conformance suite's protocol.
// Exit 0 on success, 1 on any failure with a one-line reason on stderr.
#include <CLI/CLI.hpp>
#include <iostream>

#include "tuf_client/tuf_client.h"

namespace {

int Report(const otter::Status& status) {
  if (status) return 0;
  std::cerr << "otter-tuf-client: " << status.error().message() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Verify a TUF repository with Otter's client (TUF conformance protocol)"};
  otter::tuf_client::Options options;
  std::string time_option;
  app.add_option("--metadata-dir", options.metadata_dir, "trusted metadata folder")->required();
  app.add_option("--metadata-url", options.metadata_url, "repository metadata base URL");
  app.add_option("--target-name", options.target_names, "target to download (repeatable)");
  app.add_option("--target-base-url", options.target_base_url, "targets base URL");
  app.add_option("--target-dir", options.target_dir, "where downloaded targets go");
  app.add_option("--ca-file", options.tls.ca_file, "CA to verify an HTTPS server (PEM)");
  app.add_option("--client-cert", options.tls.cert_file, "client certificate for mTLS (PEM)");
  app.add_option("--client-key", options.tls.key_file, "client key for mTLS (PEM)");
  app.add_option("--time", time_option,
                 "reference time YYYY-MM-DDTHH:MM:SSZ (else $OTTER_TIME, $FAKETIME, the clock)");
  std::string trusted_root;
  auto* init = app.add_subcommand("init", "trust a root.json (no network)");
  init->add_option("TRUSTED_ROOT", trusted_root)->required();
  auto* refresh = app.add_subcommand("refresh", "refresh the top-level metadata");
  auto* download = app.add_subcommand("download", "refresh, then download targets");
  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 1;
  }
  auto now = otter::tuf_client::ReferenceTime(time_option);
  if (!now) return Report(now.error());
  options.now = *now;
  if (init->parsed()) return Report(otter::tuf_client::Init(options, trusted_root));
  if (options.metadata_url.empty()) return Report(otter::Error({}, "--metadata-url is required"));
  if (refresh->parsed()) return Report(otter::tuf_client::Refresh(options));
  if (download->parsed()) {
    if (options.target_names.empty() || options.target_base_url.empty() ||
        options.target_dir.empty())
      return Report(
          otter::Error({}, "download needs --target-name, --target-base-url, --target-dir"));
    return Report(otter::tuf_client::Download(options));
  }
  return 1;
}
