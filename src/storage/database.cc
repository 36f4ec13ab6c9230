#include "storage/database.h"

#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <algorithm>
#include <climits>
#include <utility>

#include "storage/database_url.h"
#include "storage/sql_session.h"

namespace otter::storage {
namespace {

const char* BeginStatement(Backend backend, TransactionMode mode) {
  if (backend == Backend::kSqlite) {
    return mode == TransactionMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN";
  }
  return mode == TransactionMode::kWrite ? "BEGIN" : "BEGIN READ ONLY";
}

// PostgreSQL turns COMMIT into ROLLBACK, without an error, once a statement
// of the transaction failed (code that swallowed the SOCI exception). Say so
// instead of reporting success.
bool FailedEarlier(soci::session& session) {
  if (session.get_backend_name() != "postgresql") return false;
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  return PQtransactionStatus(backend->conn_) == PQTRANS_INERROR;
}

Status Execute(soci::session& session, const char* statement) {
  return CallCatching(session, [statement](soci::session& s) {
    s << statement;
    return Ok();
  });
}

}  // namespace

// ---------------------------------------------------------------------------
// Transaction

Result<Transaction> Transaction::Begin(soci::session& session, Backend backend,
                                       TransactionMode mode) {
  OTTER_TRY_CONTEXT(Execute(session, BeginStatement(backend, mode)), "beginning a transaction");
  return Transaction(&session);
}

Transaction::Transaction(Transaction&& other) noexcept
    : session_(std::exchange(other.session_, nullptr)) {}

Transaction::~Transaction() {
  if (session_ == nullptr) return;
  try {
    *session_ << "ROLLBACK";
  } catch (...) {
    // Nothing to report to; the pool tidies or reopens the session.
  }
}

Status Transaction::Commit() {
  soci::session* session = std::exchange(session_, nullptr);
  if (session == nullptr) return MakeError(StorageErrc::kInvalidArgument, "transaction ended");
  if (FailedEarlier(*session)) {
    session_ = session;
    return MakeError(StorageErrc::kDatabase,
                     "committing a transaction: a statement of it failed earlier");
  }
  Status status = Execute(*session, "COMMIT");
  if (!status.ok()) {
    session_ = session;  // the destructor rolls back what is still open
    return std::move(status).error().WithContext("committing a transaction");
  }
  return Ok();
}

Status Transaction::Rollback() {
  soci::session* session = std::exchange(session_, nullptr);
  if (session == nullptr) return MakeError(StorageErrc::kInvalidArgument, "transaction ended");
  OTTER_TRY_CONTEXT(Execute(*session, "ROLLBACK"), "rolling back a transaction");
  return Ok();
}

// ---------------------------------------------------------------------------
// Database

namespace {

// A pooled session, handed back tidy when the lease ends.
class Lease {
 public:
  Lease(soci::connection_pool& pool, std::size_t position, Backend backend)
      : pool_(&pool), position_(position), backend_(backend) {}
  Lease(Lease&& other) noexcept
      : pool_(std::exchange(other.pool_, nullptr)),
        position_(other.position_),
        backend_(other.backend_) {}
  Lease& operator=(Lease&&) = delete;
  ~Lease() {
    if (pool_ == nullptr) return;
    Tidy(session(), backend_);
    pool_->give_back(position_);
  }

  soci::session& session() { return pool_->at(position_); }

 private:
  soci::connection_pool* pool_;
  std::size_t position_;
  Backend backend_;
};

int TimeoutMilliseconds(std::chrono::milliseconds timeout) {
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, INT_MAX));
}

}  // namespace

struct Database::Impl {
  Impl(DatabaseUrl url_in, const DatabaseConfig& config_in)
      : url(std::move(url_in)), config(config_in), pool(config_in.pool_size) {}

  Result<Lease> Acquire() {
    std::size_t position = 0;
    if (!pool.try_lease(position, TimeoutMilliseconds(config.acquire_timeout))) {
      return MakeError(StorageErrc::kBusy, "no free database connection within " +
                                               std::to_string(config.acquire_timeout.count()) +
                                               " ms (pool of " + std::to_string(config.pool_size) +
                                               ")");
    }
    Lease lease(pool, position, url.backend);
    OTTER_TRY(Revive(lease.session(), url, config.busy_timeout));
    return lease;
  }

  DatabaseUrl url;
  DatabaseConfig config;
  soci::connection_pool pool;
};

Result<Database> Database::Open(const DatabaseConfig& config) {
  OTTER_ASSIGN(DatabaseUrl url, ParseDatabaseUrl(config.url));
  if (config.pool_size == 0) {
    return MakeError(StorageErrc::kInvalidConfig, "database pool_size must be at least 1");
  }
  auto impl = std::make_unique<Impl>(std::move(url), config);
  for (std::size_t i = 0; i < config.pool_size; ++i) {
    OTTER_TRY(Connect(impl->pool.at(i), impl->url, config.busy_timeout));
  }
  return Database(std::move(impl));
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Backend Database::backend() const { return impl_->url.backend; }

const std::string& Database::display_url() const { return impl_->url.display; }

Status Database::RunInSession(const SessionFunction& fn) {
  OTTER_ASSIGN(Lease lease, impl_->Acquire());
  return CallCatching(lease.session(), fn);
}

Status Database::RunInTransaction(const SessionFunction& fn, TransactionMode mode) {
  const Backend backend = impl_->url.backend;
  return RunInSession([&fn, backend, mode](soci::session& session) -> Status {
    OTTER_ASSIGN(Transaction transaction, Transaction::Begin(session, backend, mode));
    OTTER_TRY(fn(session));
    return transaction.Commit();
  });
}

Error NotFound(std::string what) {
  return MakeError(StorageErrc::kNotFound, std::move(what) + " not found");
}

}  // namespace otter::storage
