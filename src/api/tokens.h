// Operator API tokens: random 256-bit secrets shown once at creation; the
// database keeps only their SHA-256.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace otter::storage {
class Database;
}

namespace otter::api {

struct TokenInfo {
  std::string id;    // public handle, for listing and revoking
  std::string name;  // what it is for: "ci", "alice"
  TimePoint created_at;
  bool revoked = false;
};

struct NewToken {
  TokenInfo info;
  std::string secret;  // "otter_<64 hex>"; only ever returned here
};

class TokenStore {
 public:
  explicit TokenStore(storage::Database& database) : database_(database) {}

  Result<NewToken> Create(std::string_view name, TimePoint now);
  // The token a secret belongs to: kUnauthenticated when unknown or revoked.
  Result<TokenInfo> Find(std::string_view secret) const;
  Result<std::vector<TokenInfo>> List() const;
  Status Revoke(std::string_view id);

 private:
  storage::Database& database_;
};

}  // namespace otter::api
