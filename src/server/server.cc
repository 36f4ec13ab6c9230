#include "server/server.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <thread>

#include "api/auth.h"
#include "common/errors.h"
#include "common/file.h"
#include "director/director.h"
#include "director/routes.h"
#include "http_server/http_server.h"
#include "image_repo/image_repository.h"
#include "image_repo/routes.h"
#include "server/credentials.h"
#include "server/migrations.h"
#include "server/provisioning.h"
#include "storage/blob_store.h"
#include "treehub/routes.h"
#include "treehub/treehub.h"

namespace otter::server {
namespace {

namespace fs = std::filesystem;

Status CreateDataFolders(const fs::path& data_dir) {
  std::error_code error;
  for (const char* sub : {"", "ca", "tls", "keys"}) {
    fs::create_directories(data_dir / sub, error);
    if (error) {
      return MakeError(CommonErrc::kIo,
                       "creating " + (data_dir / sub).string() + ": " + error.message());
    }
  }
  fs::permissions(data_dir, fs::perms::owner_all, error);
  return Ok();
}

Result<image_repo::OnlineKeys> ImageKeys(storage::Database& database, bool online_targets,
                                         TimePoint now) {
  OTTER_ASSIGN(PrivateKey snapshot, LoadOrCreateOnlineKey(database, "image.snapshot", now));
  OTTER_ASSIGN(PrivateKey timestamp, LoadOrCreateOnlineKey(database, "image.timestamp", now));
  image_repo::OnlineKeys keys{.snapshot = std::move(snapshot), .timestamp = std::move(timestamp)};
  if (online_targets) {
    OTTER_ASSIGN(keys.targets, LoadOrCreateOnlineKey(database, "image.targets", now));
  }
  return keys;
}

Result<director::DirectorKeys> DirectorKeysFrom(storage::Database& database, TimePoint now) {
  OTTER_ASSIGN(PrivateKey targets, LoadOrCreateOnlineKey(database, "director.targets", now));
  OTTER_ASSIGN(PrivateKey snapshot, LoadOrCreateOnlineKey(database, "director.snapshot", now));
  OTTER_ASSIGN(PrivateKey timestamp, LoadOrCreateOnlineKey(database, "director.timestamp", now));
  return director::DirectorKeys{.targets = std::move(targets),
                                .snapshot = std::move(snapshot),
                                .timestamp = std::move(timestamp)};
}

// The Director's view of the Image repository: its current targets.
director::FindImageTarget ImageTargetFinder(image_repo::ImageRepository& repository) {
  return [&repository](std::string_view name) -> Result<uptane::TargetFile> {
    OTTER_ASSIGN(const uptane::Targets targets, repository.ListTargets());
    const auto found = targets.targets.find(std::string(name));
    if (found == targets.targets.end()) {
      return MakeError(CommonErrc::kNotFound,
                       "target " + std::string(name) + " is not in the Image repository");
    }
    return found->second;
  };
}

http::ListenerOptions Listener(const ListenerConfig& listener, const CredentialPaths& paths,
                               http::ClientCertMode client_certs) {
  return {.address = listener.address,
          .port = listener.port,
          .tls = http::TlsConfig{.cert_file = paths.tls_certificate,
                                 .key_file = paths.tls_key,
                                 .ca_file = paths.ca_certificate,
                                 .client_certs = client_certs}};
}

// <data>/endpoints.json: where this server listens, for scripts and tests
// that start it with port 0.
Status WriteEndpoints(const ServerConfig& config, const http::HttpServer& http) {
  const nlohmann::json endpoints = {
      {"gateway", "https://" + config.gateway.address + ":" + std::to_string(http.port(0))},
      {"admin", "https://" + config.admin.address + ":" + std::to_string(http.port(1))},
      {"public_url", config.EffectivePublicUrl()},
      {"pid", static_cast<long long>(::getpid())}};
  return WriteFileAtomic(config.data_dir / "endpoints.json", endpoints.dump(2) + "\n");
}

}  // namespace

Result<storage::Database> OpenDatabase(const ServerConfig& config) {
  OTTER_TRY(CreateDataFolders(config.data_dir));
  OTTER_ASSIGN(storage::Database database,
               storage::Database::Open(
                   {.url = config.EffectiveDatabaseUrl(), .pool_size = config.database_pool_size}));
  OTTER_ASSIGN(const std::int64_t version, storage::Migrate(database, ServerMigrations()));
  spdlog::info("storage: {} at schema version {}", database.display_url(), version);
  return database;
}

struct Server::Impl {
  explicit Impl(ServerConfig server_config, storage::Database db, storage::BlobStore blob_store)
      : config(std::move(server_config)),
        paths(CredentialPaths::Under(config.data_dir)),
        database(std::move(db)),
        blobs(std::move(blob_store)),
        gatekeeper(database, clock) {}

  Status Build();
  Status Serve();
  void MaintenanceLoop(std::stop_token stop);
  void Stop();

  ServerConfig config;
  CredentialPaths paths;
  SystemClock clock;
  storage::Database database;
  storage::BlobStore blobs;
  api::Gatekeeper gatekeeper;
  std::optional<x509::CertificateAuthority> ca;
  std::unique_ptr<treehub::Treehub> treehub;
  std::unique_ptr<image_repo::ImageRepository> image_repository;
  std::unique_ptr<director::Director> director;
  std::unique_ptr<Provisioning> provisioning;
  std::unique_ptr<http::HttpServer> http;
  std::mutex maintenance_mutex;
  std::condition_variable_any maintenance_wakeup;
  std::jthread maintenance;
};

Status Server::Impl::Build() {
  const TimePoint now = clock.Now();
  OTTER_ASSIGN(ca, LoadOrCreateCa(paths, now));
  OTTER_TRY_CONTEXT(EnsureServerCertificate(*ca, paths, config.tls_hostnames, now),
                    "server TLS certificate");
  OTTER_ASSIGN(treehub, treehub::Treehub::Open(config.EffectiveTreehubDir()));

  const bool online_targets = config.targets_signing == TargetsSigning::kOnline;
  OTTER_ASSIGN(image_repo::OnlineKeys image_keys, ImageKeys(database, online_targets, now));
  image_repo::RepositoryOptions image_options;
  image_options.ostree_commit_exists = [this](std::string_view commit) -> Result<bool> {
    auto info = treehub->Commit(commit);
    if (!info.ok() && (info.error().Is(treehub::TreehubErrc::kNotFound) ||
                       info.error().Is(treehub::TreehubErrc::kUnknownCommit))) {
      return false;
    }
    if (!info.ok()) return std::move(info).error();
    return info->complete;
  };
  image_repository = std::make_unique<image_repo::ImageRepository>(
      database, blobs, clock, std::move(image_keys), std::move(image_options));
  if (online_targets) {
    OTTER_ASSIGN(const PrivateKey root_key, LoadOrCreateKeyFile(paths.image_root_key));
    OTTER_TRY_CONTEXT(image_repository->InitializeOnline(root_key), "image repository");
  }

  OTTER_ASSIGN(director::DirectorKeys director_keys, DirectorKeysFrom(database, now));
  director = std::make_unique<director::Director>(database, std::move(director_keys),
                                                  ImageTargetFinder(*image_repository), clock);
  OTTER_ASSIGN(const PrivateKey director_root_key, LoadOrCreateKeyFile(paths.director_root_key));
  OTTER_TRY_CONTEXT(director->InitializeRoot(director_root_key), "director");

  provisioning =
      std::make_unique<Provisioning>(database, *ca, clock, config.device_certificate_lifetime);
  return Ok();
}

Status Server::Impl::Serve() {
  http::Router router;
  router.Add("GET", "/health", [](const http::Request&) {
    return http::Response::Json(200, {{"status", "ok"}});
  });
  image_repo::AddRoutes(router, *image_repository, gatekeeper);
  director::AddRoutes(router, *director, gatekeeper);
  treehub::AddRoutes(router, *treehub, gatekeeper);
  InitialRoots roots{.image = [this]() -> Result<std::string> {
                       OTTER_ASSIGN(auto root, image_repository->Read(uptane::RoleName::kRoot));
                       return root.body;
                     },
                     .director = [this] { return director->Root(); }};
  AddProvisioningRoutes(router, *provisioning, gatekeeper, std::move(roots),
                        config.EffectivePublicUrl());

  http::ServerOptions options;
  options.listeners.push_back(Listener(config.gateway, paths, http::ClientCertMode::kRequired));
  options.listeners.push_back(Listener(config.admin, paths, http::ClientCertMode::kNone));
  options.io_threads = config.io_threads;
  options.worker_threads = config.worker_threads;
  OTTER_ASSIGN(http, http::HttpServer::Start(std::move(options), std::move(router)));
  return Ok();
}

void Server::Impl::MaintenanceLoop(std::stop_token stop) {
  std::unique_lock lock(maintenance_mutex);
  while (!stop.stop_requested()) {
    maintenance_wakeup.wait_for(lock, stop, config.maintenance_interval, [] { return false; });
    if (stop.stop_requested()) return;
    auto refreshed = image_repository->RefreshExpiring(clock.Now());
    if (!refreshed.ok()) {
      spdlog::error("maintenance: re-signing image metadata: {}", refreshed.error().message());
    }
  }
}

void Server::Impl::Stop() {
  if (maintenance.joinable()) {
    maintenance.request_stop();
    maintenance.join();
  }
  if (http) http->Stop();
}

Result<std::unique_ptr<Server>> Server::Start(const ServerConfig& config) {
  OTTER_ASSIGN(storage::Database database, OpenDatabase(config));
  OTTER_ASSIGN(storage::BlobStore blobs, storage::BlobStore::Create(config.EffectiveBlobDir()));
  if (auto cleaned = blobs.CleanTemporaryFiles(std::chrono::hours(1)); !cleaned.ok()) {
    spdlog::warn("blobs: {}", cleaned.error().message());
  }
  auto impl = std::make_unique<Impl>(config, std::move(database), std::move(blobs));
  OTTER_TRY(impl->Build());
  OTTER_ASSIGN(const auto token_file,
               EnsureFirstToken(impl->database, impl->paths.admin_token, impl->clock.Now()));
  OTTER_TRY(impl->Serve());
  OTTER_TRY(WriteEndpoints(config, *impl->http));
  Impl* raw = impl.get();
  impl->maintenance = std::jthread([raw](std::stop_token stop) { raw->MaintenanceLoop(stop); });

  spdlog::info("otter-server: data folder {}", fs::absolute(config.data_dir).string());
  spdlog::info("otter-server: device gateway https://{}:{} (mTLS; devices use {})",
               config.gateway.address, impl->http->port(0), config.EffectivePublicUrl());
  spdlog::info("otter-server: admin API https://{}:{}/api/v1/ (bearer token)", config.admin.address,
               impl->http->port(1));
  spdlog::info("otter-server: server CA {}", fs::absolute(impl->paths.ca_certificate).string());
  if (token_file) {
    spdlog::info("otter-server: first admin token written to {}",
                 fs::absolute(*token_file).string());
  }
  if (config.targets_signing == TargetsSigning::kOnline) {
    spdlog::warn(
        "otter-server: online targets key mode: the server signs Image-repository targets "
        "itself (quick start; less safe). Set targets_signing = \"offline\" for production.");
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }
void Server::Stop() { impl_->Stop(); }
std::uint16_t Server::gateway_port() const { return impl_->http->port(0); }
std::uint16_t Server::admin_port() const { return impl_->http->port(1); }

}  // namespace otter::server
