#include "server/migrations.h"

#include "api/schema.h"
#include "director/schema.h"
#include "image_repo/schema.h"
#include "server/credentials.h"

namespace otter::server {
namespace {

void Append(std::vector<std::string>& all, std::vector<std::string> more) {
  for (std::string& statement : more) all.push_back(std::move(statement));
}

}  // namespace

std::vector<storage::Migration> ServerMigrations() {
  std::vector<std::string> initial;
  Append(initial, api::Schema());
  Append(initial, Schema());
  Append(initial, image_repo::Schema());
  Append(initial, director::Schema());
  return {{.version = 1, .name = "initial", .statements = std::move(initial)}};
}

}  // namespace otter::server
