// Whether a root trusts the server's online keys. Internal.
#pragma once

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/result.h"
#include "image_repo/image_repository.h"
#include "uptane/metadata.h"

namespace otter::image_repo {

// True when `role` lists `key` under its key id, with that public key, and a
// threshold of 1 (the server signs with this one key).
bool TrustsKey(const uptane::Root& root, uptane::RoleName role, const PrivateKey& key);

// kOnlineKeysNotTrusted, naming the key ids, unless the root trusts the
// server's snapshot and timestamp keys.
Status CheckOnlineKeysTrusted(const uptane::Root& root, const OnlineKeys& keys);

// Whether the server may sign targets under this root.
bool TrustsOnlineTargetsKey(const uptane::Root& root, const OnlineKeys& keys);

// {"keys": {...}, "roles": {"snapshot": {...}, "timestamp": {...}, "targets"?}}
nlohmann::json OnlineKeysJson(const OnlineKeys& keys);

}  // namespace otter::image_repo
