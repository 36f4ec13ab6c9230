// The tables of the api module. Every server module exposes its tables the
// same way; otter-server's migrations (server/migrations.cc) put them
// together, and a module's tests migrate only what they need.
#pragma once

#include <string>
#include <vector>

namespace otter::api {

// devices (id, certificate_serial, revoked, created_at) and api_tokens.
// Other modules' tables reference devices(id).
std::vector<std::string> Schema();

}  // namespace otter::api
