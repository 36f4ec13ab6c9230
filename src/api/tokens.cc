#include "api/tokens.h"

#include <openssl/rand.h>
#include <soci/soci.h>

#include "api/auth.h"
#include "common/errors.h"
#include "common/hash.h"
#include "common/hex.h"
#include "storage/database.h"

namespace otter::api {
namespace {

constexpr std::string_view kSecretPrefix = "otter_";

Result<std::string> RandomHex(std::size_t bytes) {
  std::string buffer(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(buffer.data()), static_cast<int>(bytes)) != 1) {
    return MakeError(CommonErrc::kCrypto, "no random bytes from OpenSSL");
  }
  return HexEncode(buffer);
}

TokenInfo ReadToken(const soci::row& row) {
  TokenInfo info;
  info.id = row.get<std::string>(0);
  info.name = row.get<std::string>(1);
  info.revoked = row.get<int>(2) != 0;
  info.created_at = TimePoint(std::chrono::seconds(row.get<long long>(3)));
  return info;
}

}  // namespace

Result<NewToken> TokenStore::Create(std::string_view name, TimePoint now) {
  if (name.empty() || name.size() > 128) {
    return MakeError(CommonErrc::kInvalidArgument, "a token name has 1 to 128 characters");
  }
  NewToken token;
  OTTER_ASSIGN(token.info.id, RandomHex(8));
  OTTER_ASSIGN(const std::string random, RandomHex(32));
  token.secret = std::string(kSecretPrefix) + random;
  token.info.name = std::string(name);
  token.info.created_at = now;
  OTTER_TRY(database_.WithSession([&](soci::session& sql) -> Status {
    const std::string digest = Sha256Hex(token.secret);
    const long long created_at = now.time_since_epoch().count();
    sql << "INSERT INTO api_tokens (id, name, secret_sha256, revoked, created_at)"
           " VALUES (:id, :name, :digest, 0, :created_at)",
        soci::use(token.info.id), soci::use(token.info.name), soci::use(digest),
        soci::use(created_at);
    return Ok();
  }));
  return token;
}

Result<TokenInfo> TokenStore::Find(std::string_view secret) const {
  const std::string digest = Sha256Hex(secret);
  auto found = database_.WithSession([&](soci::session& sql) -> Result<TokenInfo> {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, name, revoked, created_at FROM api_tokens"
                        " WHERE secret_sha256 = :digest",
         soci::use(digest));
    for (const soci::row& row : rows) return ReadToken(row);
    return storage::NotFound("token");
  });
  if (!found.ok() && found.error().Is(storage::StorageErrc::kNotFound)) {
    return MakeError(AuthErrc::kUnauthenticated, "unknown API token");
  }
  if (found.ok() && found->revoked) {
    return MakeError(AuthErrc::kUnauthenticated, "API token " + found->id + " is revoked");
  }
  return found;
}

Result<std::vector<TokenInfo>> TokenStore::List() const {
  return database_.WithSession([&](soci::session& sql) -> Result<std::vector<TokenInfo>> {
    std::vector<TokenInfo> tokens;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, name, revoked, created_at FROM api_tokens"
                        " ORDER BY created_at, id");
    for (const soci::row& row : rows) tokens.push_back(ReadToken(row));
    return tokens;
  });
}

Status TokenStore::Revoke(std::string_view id) {
  return database_.WithSession([&](soci::session& sql) -> Status {
    const std::string token_id(id);
    soci::statement update =
        (sql.prepare << "UPDATE api_tokens SET revoked = 1 WHERE id = :id", soci::use(token_id));
    update.execute(true);
    if (update.get_affected_rows() == 0) return storage::NotFound("token " + token_id);
    return Ok();
  });
}

}  // namespace otter::api
