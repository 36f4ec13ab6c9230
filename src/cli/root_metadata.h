// Building and signing Image-repository roots on the operator's machine:
// root v1 for `otter repo init` and root N+1 for `otter root rotate`.
//
//   OTTER_ASSIGN(auto online, ParseOnlineKeys(server_answer));
//   OTTER_ASSIGN(auto root, BuildInitialRoot({.root = {{root_key.public_key()}},
//                                             .targets = {{targets_key}},
//                                             .online = online, .expires = expires}));
//   OTTER_ASSIGN(auto signed_root, SignRoot(root, {&root_key}));
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "common/time.h"
#include "uptane/metadata.h"
#include "uptane/signed_metadata.h"

namespace otter::cli {

// Keys for one role and how many of them must sign.
struct RoleKeySet {
  std::vector<PublicKey> keys;
  std::uint32_t threshold = 1;
};

// The server's online keys, from GET /api/v1/image-repo/online-keys:
// snapshot and timestamp, and targets in online-targets mode.
struct OnlineKeys {
  std::map<uptane::RoleName, RoleKeySet> roles;
  bool has_targets() const { return roles.contains(uptane::RoleName::kTargets); }
};

// kServer when snapshot or timestamp is missing or a key does not parse.
Result<OnlineKeys> ParseOnlineKeys(const nlohmann::json& body);

struct InitialRoot {
  RoleKeySet root;
  RoleKeySet targets;
  OnlineKeys online;  // snapshot and timestamp are taken from here
  TimePoint expires{};
};

// Root v1 with consistent snapshots. kUsage for a threshold of 0 or above
// the number of keys.
Result<uptane::Root> BuildInitialRoot(const InitialRoot& plan);

// Signs `root` with each key (once per key id). kUsage unless the signers
// reach the root role's threshold, so what is uploaded verifies.
Result<uptane::SignedMetadata> SignRoot(const uptane::Root& root,
                                        const std::vector<const PrivateKey*>& signers);

struct RootRotation {
  std::vector<const PrivateKey*> old_keys;  // a threshold of the current root's keys
  std::vector<const PrivateKey*> new_keys;  // the new root keys; they all sign
  std::uint32_t threshold = 1;              // of the new root role
  std::optional<RoleKeySet> targets;        // replaces the targets keys when set
  TimePoint expires{};
};

// Root N+1 from root N (`current_bytes`, as served): the new root keys and
// threshold, optionally new targets keys, the other roles and unknown
// fields kept, keys no role uses dropped. Signed by the old and the new keys
// and checked as a TUF client would (thresholds of N and of N+1) before it
// is returned: kInvalidInput when the old keys do not suffice.
Result<uptane::SignedMetadata> RotateRoot(const std::string& current_bytes,
                                          const RootRotation& rotation);

}  // namespace otter::cli
