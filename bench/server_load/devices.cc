#include "server_load/devices.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/file.h"
#include "common/http_client.h"

namespace otter::bench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr auto kOwnerOnly = fs::perms::owner_read | fs::perms::owner_write;
constexpr std::uint64_t kMaxPemBytes = 64 * 1024;

std::string DeviceId(std::size_t index) {
  char id[32];
  std::snprintf(id, sizeof id, "bench-%04zu", index);
  return id;
}

struct DeviceFiles {
  fs::path certificate;
  fs::path key;
  fs::path ecu_key;
};

DeviceFiles FilesOf(const fs::path& dir, const std::string& id) {
  return {dir / id / "client.pem", dir / id / "client.key", dir / id / "ecu.key"};
}

// TLS against the server CA, with the device's certificate when given.
HttpClientOptions ClientOptions(const fs::path& ca_file, const DeviceFiles* device = nullptr) {
  HttpClientOptions options;
  options.tls.ca_file = ca_file.string();
  if (device != nullptr) {
    options.tls.cert_file = device->certificate.string();
    options.tls.key_file = device->key.string();
  }
  return options;
}

Result<json> JsonReply(const Result<HttpResponse>& response, std::string_view what) {
  if (!response.ok()) return response.error().WithContext(what);
  if (response->status >= 300) {
    return MakeError(
        CommonErrc::kHttpStatus,
        std::string(what) + ": HTTP " + std::to_string(response->status) + " " + response->body);
  }
  json body = json::parse(response->body, nullptr, false);
  if (body.is_discarded()) return MakeError(CommonErrc::kParse, std::string(what) + ": not JSON");
  return body;
}

Result<json> PostJson(HttpClient& client, const std::string& url, const json& body,
                      const std::string& token = "") {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.body = body.dump();
  request.headers["Content-Type"] = "application/json";
  request.headers["Accept"] = "application/json";
  if (!token.empty()) request.headers["Authorization"] = "Bearer " + token;
  return JsonReply(client.Send(request), "POST " + url);
}

Result<std::string> ReadToken(const fs::path& file) {
  OTTER_ASSIGN(std::string token, ReadFile(file, 4096));
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

// Issues the device certificate and writes it with a new ECU key.
Status CreateDevice(HttpClient& admin, const ProvisionOptions& options, const std::string& token,
                    const std::string& id) {
  OTTER_ASSIGN(const json issued,
               PostJson(admin, options.admin_url + "/api/v1/devices", {{"deviceId", id}}, token));
  OTTER_ASSIGN(const PrivateKey ecu_key, PrivateKey::Generate(KeyType::kEd25519));
  const DeviceFiles files = FilesOf(options.out_dir, id);
  fs::create_directories(files.certificate.parent_path());
  try {
    OTTER_TRY(WriteFileAtomic(files.certificate, issued.at("certificate").get<std::string>()));
    OTTER_TRY(WriteFileAtomic(files.key, issued.at("private_key").get<std::string>(), kOwnerOnly));
  } catch (const json::exception& e) {
    return MakeError(CommonErrc::kParse, "credential of " + id + ": " + e.what());
  }
  return WriteFileAtomic(files.ecu_key, ecu_key.ToPem(), kOwnerOnly);
}

// POST /director/ecus over the device's own certificate.
Status RegisterEcu(const ProvisionOptions& options, const std::string& id) {
  const DeviceFiles files = FilesOf(options.out_dir, id);
  OTTER_ASSIGN(const std::string ecu_pem, ReadFile(files.ecu_key, kMaxPemBytes));
  OTTER_ASSIGN(const PrivateKey ecu_key, PrivateKey::FromPem(ecu_pem));
  HttpClient device(ClientOptions(options.ca_file, &files));
  const std::string serial = id + "-ecu";
  const json registration = {{"primary_ecu_serial", serial},
                             {"ecus",
                              {{{"ecu_serial", serial},
                                {"hardware_identifier", kHardwareId},
                                {"clientKey", ecu_key.public_key().ToTufJson()}}}}};
  OTTER_TRY(PostJson(device, options.gateway_url + "/director/ecus", registration));
  return Ok();
}

Result<BenchDevice> LoadDevice(const fs::path& dir, const std::string& id) {
  const DeviceFiles files = FilesOf(dir, id);
  OTTER_ASSIGN(std::string certificate, ReadFile(files.certificate, kMaxPemBytes));
  OTTER_ASSIGN(std::string key, ReadFile(files.key, kMaxPemBytes));
  OTTER_ASSIGN(const std::string ecu_pem, ReadFile(files.ecu_key, kMaxPemBytes));
  OTTER_ASSIGN(PrivateKey ecu_key, PrivateKey::FromPem(ecu_pem));
  return BenchDevice{.id = id,
                     .certificate_pem = std::move(certificate),
                     .key_pem = std::move(key),
                     .ecu_serial = id + "-ecu",
                     .ecu_key = std::move(ecu_key)};
}

}  // namespace

Status ProvisionDevices(const ProvisionOptions& options) {
  OTTER_ASSIGN(const std::string token, ReadToken(options.token_file));
  HttpClient admin(ClientOptions(options.ca_file));
  for (std::size_t i = 1; i <= options.devices; ++i) {
    const std::string id = DeviceId(i);
    OTTER_TRY_CONTEXT(CreateDevice(admin, options, token, id), "provisioning " + id);
    OTTER_TRY_CONTEXT(RegisterEcu(options, id), "registering the ECU of " + id);
  }
  return Ok();
}

Result<std::vector<BenchDevice>> LoadDevices(const fs::path& dir, std::size_t count) {
  std::vector<BenchDevice> devices;
  for (std::size_t i = 1; i <= count; ++i) {
    OTTER_ASSIGN(BenchDevice device, LoadDevice(dir, DeviceId(i)));
    devices.push_back(std::move(device));
  }
  return devices;
}

}  // namespace otter::bench
