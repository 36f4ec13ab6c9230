// The TUF JSON dialect: schema checks and round trips of the model.
#include "uptane/tuf_json.h"

#include <gtest/gtest.h>

#include "uptane/errors.h"

namespace otter::uptane {
namespace {

using nlohmann::json;

json TimestampJson() {
  return json::parse(R"({"_type": "timestamp", "spec_version": "1.0.31", "version": 3,
    "expires": "2030-01-01T00:00:00Z", "x-extra": {"a": [1, 2]},
    "meta": {"snapshot.json": {"version": 7, "length": 512, "hashes": {"sha256": "ab"}}}})");
}

TEST(TufJsonTest, TimestampRoundTripsWithUnknownFields) {
  auto timestamp = ParseTimestamp(TimestampJson());
  ASSERT_TRUE(timestamp.ok()) << timestamp.error().message();
  EXPECT_EQ(timestamp->version, 3u);
  EXPECT_EQ(timestamp->snapshot.version, 7u);
  EXPECT_EQ(timestamp->snapshot.length, 512u);
  EXPECT_EQ(timestamp->snapshot.hashes.at("sha256"), "ab");
  EXPECT_EQ(ToJson(*timestamp), TimestampJson());
}

TEST(TufJsonTest, WrongTypeIsMalformed) {
  auto result = ParseSnapshot(TimestampJson());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().Is(UptaneErrc::kMalformed));
  EXPECT_NE(result.error().message().find("_type"), std::string::npos);
}

TEST(TufJsonTest, SchemaViolationsAreMalformed) {
  const std::vector<std::pair<std::string, json>> broken = {
      {"negative version", {{"version", -1}}},
      {"zero version", {{"version", 0}}},
      {"float version", {{"version", 1.5}}},
      {"bad expires", {{"expires", "2030-01-01 00:00:00"}}},
      {"major 2", {{"spec_version", "2.0"}}},
      {"meta not object", {{"meta", json::array()}}},
      {"no snapshot entry", {{"meta", {{"snapshot.json", nullptr}}}}},
  };
  for (const auto& [what, patch] : broken) {
    json document = TimestampJson();
    document.merge_patch(patch);
    auto result = ParseTimestamp(document);
    ASSERT_FALSE(result.ok()) << what;
    EXPECT_TRUE(result.error().Is(UptaneErrc::kMalformed)) << what;
  }
}

TEST(TufJsonTest, TargetsWithUptaneCustomRoundTrip) {
  const json document = json::parse(R"({"_type": "targets", "spec_version": "1.0", "version": 2,
    "expires": "2030-01-01T00:00:00Z",
    "custom": {"deviceId": "vin-1", "correlationId": "u-1"},
    "targets": {"os-42": {"length": 0, "hashes": {"sha256": "cafe"},
      "custom": {"ecuIdentifiers": {"ecu-1": {"hardwareId": "hw-a"}}, "hardwareIds": ["hw-a"],
                 "releaseCounter": 42, "targetFormat": "OSTREE", "x-note": "kept"}}}})");
  auto targets = ParseTargets(document);
  ASSERT_TRUE(targets.ok()) << targets.error().message();
  const TargetFile& target = targets->targets.at("os-42");
  EXPECT_EQ(target.custom.release_counter, 42u);
  EXPECT_EQ(target.custom.target_format, "OSTREE");
  EXPECT_EQ(target.custom.hardware_ids, std::vector<std::string>{"hw-a"});
  EXPECT_EQ(target.custom.ecu_hardware_ids.at("ecu-1"), "hw-a");
  EXPECT_EQ(targets->custom["deviceId"], "vin-1");
  EXPECT_EQ(ToJson(*targets), document);
}

TEST(TufJsonTest, DelegationNeedsExactlyOnePathKind) {
  json document = json::parse(R"({"_type": "targets", "spec_version": "1.0", "version": 1,
    "expires": "2030-01-01T00:00:00Z", "targets": {},
    "delegations": {"keys": {}, "roles": [{"name": "a", "keyids": [], "threshold": 1,
      "terminating": false}]}})");
  EXPECT_TRUE(ParseTargets(document).error().Is(UptaneErrc::kMalformed));
  document["delegations"]["roles"][0]["paths"] = {"a/*"};
  EXPECT_TRUE(ParseTargets(document).ok());
  document["delegations"]["roles"][0]["path_hash_prefixes"] = {"ab"};
  EXPECT_TRUE(ParseTargets(document).error().Is(UptaneErrc::kMalformed));
}

TEST(TufJsonTest, RootNeedsAllFourRolesAndPositiveThresholds) {
  json document = json::parse(R"({"_type": "root", "spec_version": "1.0", "version": 1,
    "expires": "2030-01-01T00:00:00Z", "consistent_snapshot": true, "keys": {},
    "roles": {"root": {"keyids": [], "threshold": 1}, "timestamp": {"keyids": [], "threshold": 1},
              "snapshot": {"keyids": [], "threshold": 1}, "targets": {"keyids": [], "threshold": 1},
              "mirror": {"keyids": [], "threshold": 1}}})");
  ASSERT_TRUE(ParseRoot(document).ok()) << "an unknown role is ignored";
  json without_targets = document;
  without_targets["roles"].erase("targets");
  EXPECT_TRUE(ParseRoot(without_targets).error().Is(UptaneErrc::kMalformed));
  document["roles"]["snapshot"]["threshold"] = 0;
  EXPECT_TRUE(ParseRoot(document).error().Is(UptaneErrc::kMalformed));
}

TEST(DelegatedRoleTest, PathPatternsNeverCrossSlashes) {
  DelegatedRole role;
  role.paths = {"apps/*", "fw/?.bin"};
  EXPECT_TRUE(role.MatchesPath("apps/a.bin"));
  EXPECT_FALSE(role.MatchesPath("apps/x/a.bin"));
  EXPECT_TRUE(role.MatchesPath("fw/1.bin"));
  EXPECT_FALSE(role.MatchesPath("fw/12.bin"));
  EXPECT_FALSE(role.MatchesPath("Apps/a.bin"));
}

TEST(DelegatedRoleTest, PathHashPrefixesMatchTheSha256OfTheName) {
  DelegatedRole role;
  role.path_hash_prefixes = {"ca", "3e"};  // sha256("a") = ca97..., sha256("b") = 3e23...
  EXPECT_TRUE(role.MatchesPath("a"));
  EXPECT_TRUE(role.MatchesPath("b"));
  EXPECT_FALSE(role.MatchesPath("c"));  // 2e7d...
}

}  // namespace
}  // namespace otter::uptane
