#include "image_repo/schema.h"

namespace otter::image_repo {

std::vector<std::string> Schema() {
  return {
      "CREATE TABLE IF NOT EXISTS image_metadata ("
      " role TEXT NOT NULL,"
      " version BIGINT NOT NULL,"
      " body TEXT NOT NULL,"
      " expires_at BIGINT NOT NULL,"
      " created_at BIGINT NOT NULL,"
      " PRIMARY KEY (role, version))",
      "CREATE TABLE IF NOT EXISTS image_target_files ("
      " name TEXT NOT NULL,"
      " sha256 TEXT NOT NULL,"
      " length BIGINT NOT NULL,"
      " published_at BIGINT NOT NULL,"
      " PRIMARY KEY (name, sha256))",
      "CREATE TABLE IF NOT EXISTS image_repo_lock ("
      " id BIGINT PRIMARY KEY,"
      " generation BIGINT NOT NULL)",
  };
}

}  // namespace otter::image_repo
