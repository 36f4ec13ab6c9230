// Security matrix cases 35-41: incompatible hardware, Director sanity checks
// and delegations of the Image repository.
#include <optional>
#include <string>
#include <vector>

#include "common/hash.h"
#include "support/metadata_tamper.h"
#include "unit/uptane/uptane_cycle_fixture.h"

namespace otter::testing {
namespace {

using uptane::UptaneErrc;

nlohmann::json ImageCustom(const std::string& hardware_id) {
  return {{"hardwareIds", {hardware_id}}, {"releaseCounter", 1}, {"targetFormat", "BINARY"}};
}

uptane::DelegatedRole Delegation(const std::string& name, std::vector<std::string> paths,
                                 bool terminating = false) {
  uptane::DelegatedRole role;
  role.name = name;
  role.paths = std::move(paths);
  role.terminating = terminating;
  return role;
}

std::string RoleFile(const std::string& role) { return uptane::MetadataFileName(role, 1); }

// The Image repository's answer for `name` as the Primary asks for it.
Result<uptane::TargetFile> Find(uptane::Repository& image, TimePoint now, const std::string& name,
                                const std::optional<std::string>& hardware_id = std::nullopt) {
  OTTER_TRY(image.Refresh(now));
  return image.FindTarget(name, now, hardware_id);
}

bool Found(uptane::Repository& image, TimePoint now, const std::string& name) {
  return Find(image, now, name).ok();
}

// Adds `content` as `name` to the delegated role `role` and signs the role
// again (same version: the client has never seen it).
uptane::TargetFile AddToRole(SimulatedRepository& image, const std::string& role,
                             const std::string& name, const std::string& content,
                             const std::string& hardware_id = kPrimaryHardware) {
  uptane::TargetFile target = image.AddTarget(name, content, ImageCustom(hardware_id), role);
  image.Sign(role);
  return target;
}

void AssignOnly(SimulatedDirector& director, const uptane::TargetFile& target) {
  director.ClearAssignments();
  director.Assign(kPrimary, kPrimaryHardware, target);
  director.Publish();
}

// --- Case 35, 36: incompatible hardware --------------------------------------

TEST_F(UptaneCycleTest, Case35_DirectorHardwareIdOtherThanTheEcusIsRefused) {
  EstablishTrust();
  const auto director_before = DirectorState();
  const auto image_before = ImageState();
  PublishUpdate("fw-b.bin", "firmware for hw-b", kPrimary, kSecondaryHardware);
  ExpectRefused(RunCycle(), UptaneErrc::kBadHardwareId);
  EXPECT_EQ(DirectorState().at("targets"), director_before.at("targets"));
  EXPECT_EQ(ImageState(), image_before);
}

TEST_F(UptaneCycleTest, Case36_ImageHardwareIdsLackingTheDirectorsAreRefused) {
  EstablishTrust();
  const uptane::TargetFile target =
      image_.AddTarget("fw-2.bin", "firmware two", ImageCustom(kSecondaryHardware));
  image_.Publish();
  AssignOnly(director_, target);
  ExpectRefused(RunCycle(), UptaneErrc::kTargetMismatch);
  EXPECT_EQ(ImageState().at("targets"), image_.signed_bytes("targets"));
}

TEST_F(UptaneCycleTest, Case36_ImageTargetWithoutHardwareIdsIsRefused) {
  EstablishTrust();
  const uptane::TargetFile target =
      image_.AddTarget("fw-2.bin", "firmware two", {{"releaseCounter", 1}});
  image_.Publish();
  AssignOnly(director_, target);
  ExpectRefused(RunCycle(), UptaneErrc::kTargetMismatch);
  EXPECT_EQ(ImageState().at("targets"), image_.signed_bytes("targets"));
}

// --- Case 37-39: Director sanity ---------------------------------------------

TEST_F(UptaneCycleTest, Case37_EcuInTwoDirectorTargetsIsRefused) {
  EstablishTrust();
  const auto before = DirectorState();
  const auto two = image_.AddTarget("fw-2.bin", "firmware two", ImageCustom(kPrimaryHardware));
  const auto three = image_.AddTarget("fw-3.bin", "firmware three", ImageCustom(kPrimaryHardware));
  image_.Publish();
  director_.ClearAssignments();
  director_.Assign(kPrimary, kPrimaryHardware, two);
  director_.Assign(kPrimary, kPrimaryHardware, three);
  director_.Publish();
  ExpectRefused(RunCycle(), UptaneErrc::kDirectorSanity);
  EXPECT_EQ(DirectorState().at("targets"), before.at("targets"));
}

TEST_F(UptaneCycleTest, Case38_DirectorTargetsWithDelegationsAreRefused) {
  EstablishTrust();
  const auto before = DirectorState();
  director_.AddDelegation("targets", Delegation("sub", {"*"}));
  PublishUpdate("fw-2.bin", "firmware two");
  ExpectRefused(RunCycle(), UptaneErrc::kDirectorSanity);
  EXPECT_EQ(DirectorState().at("targets"), before.at("targets"));
  EXPECT_FALSE(DirectorState().contains("sub"));
}

TEST_F(UptaneCycleTest, Case39_DirectorTargetForEcuNotInTheVehicleIsRefused) {
  EstablishTrust();
  const auto before = DirectorState();
  const auto image_before = ImageState();
  const uptane::TargetFile target = PublishUpdate("fw-2.bin", "firmware two");
  director_.Assign("ecu-elsewhere", kPrimaryHardware, target);
  director_.Publish();
  ExpectRefused(RunCycle(), UptaneErrc::kUnknownEcu);
  EXPECT_EQ(DirectorState().at("targets"), before.at("targets"));
  EXPECT_EQ(ImageState(), image_before);
}

// --- Case 40: delegation rules -----------------------------------------------

TEST_F(UptaneCycleTest, Case40_TargetListedOutsideItsRolesPathsIsNotFound) {
  image_.AddDelegation("targets", Delegation("apps", {"apps/*"}));
  AddToRole(image_, "apps", "apps/app.bin", "app");
  AddToRole(image_, "apps", "fw.bin", "firmware claimed by apps");
  image_.Publish();
  EXPECT_TRUE(Found(*image_repo_, now_, "apps/app.bin"));
  ExpectRefused(Find(*image_repo_, now_, "fw.bin"), UptaneErrc::kTargetNotFound);
}

TEST_F(UptaneCycleTest, Case40_TargetMustMatchThePathsOfEveryRoleInTheChain) {
  image_.AddDelegation("targets", Delegation("a", {"a-*"}));
  image_.AddDelegation("a", Delegation("b", {"*.bin"}));
  AddToRole(image_, "b", "a-fw.bin", "in both patterns");
  AddToRole(image_, "b", "b-fw.bin", "only in b's pattern");
  image_.Sign("a");
  image_.Publish();
  EXPECT_TRUE(Found(*image_repo_, now_, "a-fw.bin"));
  ExpectRefused(Find(*image_repo_, now_, "b-fw.bin"), UptaneErrc::kTargetNotFound);
}

TEST_F(UptaneCycleTest, Case40_StarDoesNotMatchSlash) {
  image_.AddDelegation("targets", Delegation("apps", {"apps/*"}));
  AddToRole(image_, "apps", "apps/app.bin", "app");
  AddToRole(image_, "apps", "apps/sub/app.bin", "nested app");
  image_.Publish();
  EXPECT_TRUE(Found(*image_repo_, now_, "apps/app.bin"));
  ExpectRefused(Find(*image_repo_, now_, "apps/sub/app.bin"), UptaneErrc::kTargetNotFound);
}

TEST_F(UptaneCycleTest, Case40_QuestionMarkMatchesExactlyOneNonSlashCharacter) {
  image_.AddDelegation("targets", Delegation("fw", {"fw?.bin", "apps?fw.bin"}));
  for (const char* name : {"fw1.bin", "fw12.bin", "fw.bin", "apps/fw.bin"})
    AddToRole(image_, "fw", name, name);
  image_.Publish();
  EXPECT_TRUE(Found(*image_repo_, now_, "fw1.bin"));
  for (const char* name : {"fw12.bin", "fw.bin", "apps/fw.bin"})
    ExpectRefused(Find(*image_repo_, now_, name), UptaneErrc::kTargetNotFound);
}

TEST_F(UptaneCycleTest, Case40_PathMatchingIsCaseSensitive) {
  image_.AddDelegation("targets", Delegation("apps", {"apps/*"}));
  AddToRole(image_, "apps", "apps/app.bin", "app");
  AddToRole(image_, "apps", "Apps/app.bin", "other case");
  image_.Publish();
  EXPECT_TRUE(Found(*image_repo_, now_, "apps/app.bin"));
  ExpectRefused(Find(*image_repo_, now_, "Apps/app.bin"), UptaneErrc::kTargetNotFound);
}

TEST_F(UptaneCycleTest, Case40_TerminatingDelegationStopsLaterSiblings) {
  image_.AddDelegation("targets", Delegation("first", {"apps/*"}, /*terminating=*/true));
  image_.AddDelegation("targets", Delegation("second", {"apps/*"}));
  AddToRole(image_, "second", "apps/app.bin", "app");
  image_.Publish();
  ExpectRefused(Find(*image_repo_, now_, "apps/app.bin"), UptaneErrc::kTargetNotFound);
  EXPECT_EQ(image_fetcher_.requests(RoleFile("first")), 1);
  EXPECT_EQ(image_fetcher_.requests(RoleFile("second")), 0);
}

TEST_F(UptaneCycleTest, Case40_TerminatingDelegationStopsBacktracking) {
  image_.AddDelegation("targets", Delegation("first", {"apps/*"}));
  image_.AddDelegation("targets", Delegation("second", {"apps/*"}));
  image_.AddDelegation("first", Delegation("first-sub", {"apps/*"}, /*terminating=*/true));
  image_.Sign("first");
  AddToRole(image_, "second", "apps/app.bin", "app");
  image_.Publish();
  ExpectRefused(Find(*image_repo_, now_, "apps/app.bin"), UptaneErrc::kTargetNotFound);
  EXPECT_EQ(image_fetcher_.requests(RoleFile("first-sub")), 1);
  EXPECT_EQ(image_fetcher_.requests(RoleFile("second")), 0);
}

TEST_F(UptaneCycleTest, Case40_DelegationCycleTerminatesAndFindsNothing) {
  image_.AddDelegation("targets", Delegation("a", {"*"}));
  image_.AddDelegation("a", Delegation("b", {"*"}));
  image_.AddDelegation("b", Delegation("a", {"*"}), image_.signers("a"));
  image_.Sign("a");
  image_.Sign("b");
  image_.Publish();
  ExpectRefused(Find(*image_repo_, now_, "fw.bin"), UptaneErrc::kTargetNotFound);
  EXPECT_EQ(image_fetcher_.requests(RoleFile("a")), 1);
  EXPECT_EQ(image_fetcher_.requests(RoleFile("b")), 1);
}

TEST_F(UptaneCycleTest, Case40_DelegationForOtherHardwareIsSkipped) {
  uptane::DelegatedRole other = Delegation("hw-b-apps", {"apps/*"});
  other.hardware_ids = {kSecondaryHardware};
  image_.AddDelegation("targets", other);
  const uptane::TargetFile app = AddToRole(image_, "hw-b-apps", "apps/app.bin", "app");
  image_.Publish();
  AssignOnly(director_, app);
  ExpectRefused(RunCycle(), UptaneErrc::kTargetMismatch);
  EXPECT_EQ(image_fetcher_.requests(RoleFile("hw-b-apps")), 0);
  EXPECT_FALSE(ImageState().contains("hw-b-apps"));
}

TEST_F(UptaneCycleTest, Case40_DelegationForThisHardwareIsUsedAfterOthersAreSkipped) {
  uptane::DelegatedRole other = Delegation("hw-b-apps", {"apps/*"});
  other.hardware_ids = {kSecondaryHardware};
  uptane::DelegatedRole mine = Delegation("hw-a-apps", {"apps/*"});
  mine.hardware_ids = {kPrimaryHardware};
  image_.AddDelegation("targets", other);
  image_.AddDelegation("targets", mine);
  AddToRole(image_, "hw-b-apps", "apps/app.bin", "app for hw-b", kPrimaryHardware);
  const uptane::TargetFile app = AddToRole(image_, "hw-a-apps", "apps/app.bin", "app for hw-a");
  image_.Publish();
  AssignOnly(director_, app);
  auto result = RunCycle();
  ASSERT_TRUE(result.ok()) << result.error().message();
  ASSERT_EQ(result->updates.size(), 1u);
  EXPECT_EQ(result->updates[0].target.hashes, app.hashes);
  EXPECT_EQ(image_fetcher_.requests(RoleFile("hw-b-apps")), 0);
  EXPECT_EQ(ImageState().at("hw-a-apps"), image_.signed_bytes("hw-a-apps"));
}

TEST_F(UptaneCycleTest, Case40_FirstMatchingRoleInListedOrderWins) {
  image_.AddDelegation("targets", Delegation("first", {"*"}));
  image_.AddDelegation("targets", Delegation("second", {"*"}));
  const uptane::TargetFile first = AddToRole(image_, "first", "fw.bin", "from first");
  AddToRole(image_, "second", "fw.bin", "from second");
  image_.Publish();
  auto found = Find(*image_repo_, now_, "fw.bin");
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(found->hashes, first.hashes);
  EXPECT_EQ(image_fetcher_.requests(RoleFile("second")), 0);
}

TEST_F(UptaneCycleTest, Case40_DepthFirstChildWinsOverLaterSibling) {
  image_.AddDelegation("targets", Delegation("first", {"*"}));
  image_.AddDelegation("targets", Delegation("second", {"*"}));
  image_.AddDelegation("first", Delegation("first-sub", {"*"}));
  image_.Sign("first");
  const uptane::TargetFile deep = AddToRole(image_, "first-sub", "fw.bin", "from first-sub");
  AddToRole(image_, "second", "fw.bin", "from second");
  image_.Publish();
  auto found = Find(*image_repo_, now_, "fw.bin");
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(found->hashes, deep.hashes);
  EXPECT_EQ(image_fetcher_.requests(RoleFile("second")), 0);
}

TEST_F(UptaneCycleTest, Case40_MaxDelegationsBoundsTheRolesFetched) {
  for (int i = 0; i < 10; ++i)
    image_.AddDelegation("targets", Delegation("role-" + std::to_string(i), {"*"}));
  image_.Publish();
  limits_.max_delegations = 4;
  Rebuild();
  ExpectRefused(Find(*image_repo_, now_, "fw.bin"), UptaneErrc::kTargetNotFound);
  int fetched = 0;
  for (int i = 0; i < 10; ++i)
    fetched += image_fetcher_.requests(RoleFile("role-" + std::to_string(i)));
  EXPECT_GT(fetched, 0);
  EXPECT_LE(fetched, static_cast<int>(limits_.max_delegations));
}

// --- Case 41: delegated role missing or badly signed -------------------------

TEST_F(UptaneCycleTest, Case41_MissingDelegatedRoleAbortsTheSearch) {
  image_.AddDelegation("targets", Delegation("missing", {"apps/*"}));
  image_.AddDelegation("targets", Delegation("later", {"apps/*"}));
  const uptane::TargetFile app = AddToRole(image_, "later", "apps/app.bin", "app");
  image_.Publish();
  image_.files().erase(RoleFile("missing"));
  image_.files().erase("missing.json");
  AssignOnly(director_, app);
  ExpectRefused(RunCycle(), UptaneErrc::kFetchFailed);
  EXPECT_EQ(image_fetcher_.requests(RoleFile("later")), 0);
  EXPECT_FALSE(ImageState().contains("missing"));
}

TEST_F(UptaneCycleTest, Case41_UnsignedDelegatedRoleIsRefused) {
  image_.AddDelegation("targets", Delegation("apps", {"apps/*"}));
  const uptane::TargetFile app = AddToRole(image_, "apps", "apps/app.bin", "app");
  image_.SignWith("apps", {});
  image_.Publish();
  AssignOnly(director_, app);
  ExpectRefused(RunCycle(), UptaneErrc::kBadSignature);
  EXPECT_FALSE(ImageState().contains("apps"));
}

TEST_F(UptaneCycleTest, Case41_DelegatedRoleSignedByUnlistedKeyIsRefused) {
  image_.AddDelegation("targets", Delegation("apps", {"apps/*"}));
  const uptane::TargetFile app = AddToRole(image_, "apps", "apps/app.bin", "app");
  image_.SignWith("apps", {image_.NewKey()});
  image_.Publish();
  AssignOnly(director_, app);
  ExpectRefused(RunCycle(), UptaneErrc::kBadSignature);
  EXPECT_FALSE(ImageState().contains("apps"));
}

TEST_F(UptaneCycleTest, Case41_DelegatedRoleSignedByOtherKeyUnderListedKeyidIsRefused) {
  image_.AddDelegation("targets", Delegation("apps", {"apps/*"}));
  const uptane::TargetFile app = AddToRole(image_, "apps", "apps/app.bin", "app");
  const std::string listed_keyid = image_.signers("apps").front().KeyId();
  image_.SignWith("apps", {image_.NewKey()});
  image_.files()[RoleFile("apps")] =
      EditSignatures(image_.files().at(RoleFile("apps")),
                     [&](nlohmann::json& signatures) { signatures[0]["keyid"] = listed_keyid; });
  image_.Publish();
  AssignOnly(director_, app);
  ExpectRefused(RunCycle(), UptaneErrc::kBadSignature);
  EXPECT_FALSE(ImageState().contains("apps"));
}

}  // namespace
}  // namespace otter::testing
