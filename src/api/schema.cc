#include "api/schema.h"

namespace otter::api {

std::vector<std::string> Schema() {
  return {
      "CREATE TABLE IF NOT EXISTS devices ("
      " id TEXT PRIMARY KEY,"
      " certificate_serial TEXT NOT NULL,"
      " revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),"
      " created_at BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS api_tokens ("
      " id TEXT PRIMARY KEY,"
      " name TEXT NOT NULL,"
      " secret_sha256 TEXT NOT NULL UNIQUE,"
      " revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),"
      " created_at BIGINT NOT NULL)",
  };
}

}  // namespace otter::api
