// The devices a load run plays. They are provisioned once, before anything
// is measured, as at a factory: POST /api/v1/devices on the admin API issues
// each device its certificate, then the device registers its ECU with
// POST /director/ecus over its own mTLS connection. They are kept as files so
// that every run against the same server, and the nginx baseline, reuse them:
//
//   <dir>/<device id>/client.pem   device certificate (mTLS)
//   <dir>/<device id>/client.key
//   <dir>/<device id>/ecu.key      the primary ECU's ed25519 key (manifests)
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"

namespace otter::bench {

inline constexpr char kHardwareId[] = "bench-hw";

struct BenchDevice {
  std::string id;  // bench-0001, ...
  std::string certificate_pem;
  std::string key_pem;
  std::string ecu_serial;  // <id>-ecu: serials are unique across devices
  PrivateKey ecu_key;
};

struct ProvisionOptions {
  std::string admin_url;
  std::string gateway_url;
  std::filesystem::path token_file;  // the operator bearer token
  std::filesystem::path ca_file;
  std::size_t devices = 200;
  std::filesystem::path out_dir;
};

// Provisions devices bench-0001 .. bench-N and registers one ECU each.
Status ProvisionDevices(const ProvisionOptions& options);

// The first `count` devices written by ProvisionDevices.
Result<std::vector<BenchDevice>> LoadDevices(const std::filesystem::path& dir, std::size_t count);

}  // namespace otter::bench
