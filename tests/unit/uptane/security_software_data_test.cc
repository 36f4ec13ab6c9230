// Security matrix cases 30-34: wrong software and endless data.
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/hash.h"
#include "unit/uptane/uptane_cycle_fixture.h"
#include "uptane/image_verifier.h"
#include "uptane/metadata.h"

namespace otter::testing {
namespace {

using uptane::UptaneErrc;

nlohmann::json ImageCustom(const std::string& hardware_id) {
  return {{"hardwareIds", {hardware_id}}, {"releaseCounter", 1}, {"targetFormat", "BINARY"}};
}

std::string ImagePath(const uptane::TargetFile& target) { return "targets/" + target.name; }

// The single update a cycle accepted; anything else fails the test.
uptane::TargetFile OnlyUpdate(const Result<uptane::VerifiedUpdates>& result) {
  if (!result) throw std::runtime_error("cycle refused: " + result.error().message());
  if (result->updates.size() != 1) throw std::runtime_error("expected exactly one update");
  return result->updates[0].target;
}

// Far more than the test images: the ImageVerifier, not this cap, has to stop
// the stream; the cap only keeps a failing test from reading 1 GiB.
constexpr std::uint64_t kBackstopBytes = 64 * 1024;

// The Primary's download of a verified target into an ImageVerifier.
Status Download(uptane::Fetcher& fetcher, const uptane::TargetFile& target) {
  OTTER_ASSIGN(uptane::ImageVerifier verifier, uptane::ImageVerifier::Create(target));
  OTTER_TRY(
      fetcher.FetchTo(ImagePath(target), target.length + kBackstopBytes,
                      [&verifier](std::string_view chunk) { return verifier.Update(chunk); }));
  return verifier.Finish();
}

// Lists `content` as `name` for the primary in both repositories, with the
// Image repository's entry changed by `edit` first (the Director copies it).
void PublishEdited(SimulatedRepository& image, SimulatedDirector& director, const std::string& name,
                   const std::string& content,
                   const std::function<void(uptane::TargetFile&)>& edit) {
  uptane::TargetFile& listed = image.AddTarget(name, content, ImageCustom(kPrimaryHardware));
  edit(listed);
  const uptane::TargetFile copy = listed;
  image.Publish();
  director.ClearAssignments();
  director.Assign(kPrimary, kPrimaryHardware, copy);
  director.Publish();
}

std::uint64_t RootRequests(const SimulatedFetcher& fetcher) {
  std::uint64_t count = 0;
  for (const auto& path : fetcher.request_log()) {
    if (path != "root.json" && path.ends_with(".root.json")) ++count;
  }
  return count;
}

// --- Case 30: wrong software -------------------------------------------------

TEST_F(UptaneCycleTest, Case30_ReplacedImageBytesAreRefused) {
  const std::string content = "firmware two";
  PublishUpdate("fw-2.bin", content);
  const uptane::TargetFile target = OnlyUpdate(RunCycle());
  const auto accepted = ImageState();
  image_.files()[ImagePath(target)] = std::string(content.size(), 'm');
  ExpectRefused(Download(image_fetcher_, target), UptaneErrc::kBadHash);
  EXPECT_EQ(ImageState(), accepted);
}

TEST_F(UptaneCycleTest, Case30_TruncatedImageIsRefused) {
  const std::string content = "firmware two";
  PublishUpdate("fw-2.bin", content);
  const uptane::TargetFile target = OnlyUpdate(RunCycle());
  image_.files()[ImagePath(target)] = content.substr(0, 5);
  ExpectRefused(Download(image_fetcher_, target), UptaneErrc::kBadHash);
}

TEST_F(UptaneCycleTest, Case30_WrongSha512NextToRightSha256IsRefused) {
  PublishEdited(image_, director_, "fw-2.bin", "firmware two", [](uptane::TargetFile& target) {
    target.hashes["sha512"] = Sha512Hex("other firmware");
  });
  const uptane::TargetFile target = OnlyUpdate(RunCycle());
  ASSERT_EQ(target.hashes.at("sha256"), Sha256Hex("firmware two"));
  ExpectRefused(Download(image_fetcher_, target), UptaneErrc::kBadHash);
}

TEST_F(UptaneCycleTest, Case30_WrongSha256NextToRightSha512IsRefused) {
  PublishEdited(image_, director_, "fw-2.bin", "firmware two", [](uptane::TargetFile& target) {
    target.hashes["sha256"] = Sha256Hex("other firmware");
  });
  const uptane::TargetFile target = OnlyUpdate(RunCycle());
  ASSERT_EQ(target.hashes.at("sha512"), Sha512Hex("firmware two"));
  ExpectRefused(Download(image_fetcher_, target), UptaneErrc::kBadHash);
}

// --- Case 31: hash algorithm the client cannot check -------------------------

TEST_F(UptaneCycleTest, Case31_OnlyUnknownHashAlgorithmIsRefusedBeforeDownload) {
  PublishEdited(image_, director_, "fw-2.bin", "firmware two", [](uptane::TargetFile& target) {
    target.hashes = {{"md5x", Sha256Hex("firmware two")}};
  });
  ExpectRefused(RunCycle(), UptaneErrc::kBadHash);
  const uptane::TargetFile target = image_.targets().targets.at("fw-2.bin");
  ExpectRefused(uptane::ImageVerifier::Create(target), UptaneErrc::kBadHash);
  EXPECT_EQ(image_fetcher_.requests(ImagePath(target)), 0);
}

// --- Case 32: more image bytes than `length` ---------------------------------

TEST_F(UptaneCycleTest, Case32_EndlessImageStreamStopsAtLengthPlusOne) {
  PublishUpdate("fw-2.bin", "firmware two");
  const uptane::TargetFile target = OnlyUpdate(RunCycle());
  image_fetcher_.set_chunk_size(1);
  image_fetcher_.ServeEndless(ImagePath(target));
  ExpectRefused(Download(image_fetcher_, target), UptaneErrc::kEndlessData);
  EXPECT_LE(image_fetcher_.bytes_served(ImagePath(target)), target.length + 1);
  EXPECT_FALSE(image_fetcher_.endless_limit_reached());
}

TEST_F(UptaneCycleTest, Case32_ImageWithAppendedBytesStopsAtLengthPlusOne) {
  const std::string content = "firmware two";
  PublishUpdate("fw-2.bin", content);
  const uptane::TargetFile target = OnlyUpdate(RunCycle());
  image_fetcher_.set_chunk_size(1);
  image_.files()[ImagePath(target)] = content + std::string(4096, 'x');
  ExpectRefused(Download(image_fetcher_, target), UptaneErrc::kEndlessData);
  EXPECT_EQ(image_fetcher_.bytes_served(ImagePath(target)), target.length + 1);
}

// --- Case 33: metadata larger than its cap -----------------------------------

TEST_F(UptaneCycleTest, Case33_EndlessTimestampStopsAtCap) {
  EstablishTrust();
  const auto before = DirectorState();
  director_fetcher_.ResetCounts();
  director_fetcher_.ServeEndless("timestamp.json");
  ExpectRefused(RunCycle(), UptaneErrc::kEndlessData);
  EXPECT_LE(director_fetcher_.bytes_served("timestamp.json"), director_limits_.max_timestamp_bytes);
  EXPECT_FALSE(director_fetcher_.endless_limit_reached());
  EXPECT_EQ(DirectorState(), before);
}

TEST_F(UptaneCycleTest, Case33_EndlessNextRootStopsAtCap) {
  EstablishTrust();
  const auto before = DirectorState();
  director_fetcher_.ResetCounts();
  director_fetcher_.ServeEndless("2.root.json");
  ExpectRefused(RunCycle(), UptaneErrc::kEndlessData);
  EXPECT_LE(director_fetcher_.bytes_served("2.root.json"), director_limits_.max_root_bytes);
  EXPECT_FALSE(director_fetcher_.endless_limit_reached());
  EXPECT_EQ(DirectorState(), before);
}

TEST_F(UptaneCycleTest, Case33_ValidRootLargerThanCapIsRefused) {
  EstablishTrust();
  const auto before = DirectorState();
  director_limits_.max_root_bytes = 4096;
  director_.root().unknown["padding"] = std::string(8192, 'p');
  director_.RotateRoot();
  director_fetcher_.ResetCounts();
  ExpectRefused(RunCycle(), UptaneErrc::kEndlessData);
  EXPECT_LE(director_fetcher_.bytes_served("2.root.json"), director_limits_.max_root_bytes);
  EXPECT_EQ(DirectorState().at("root"), director_.root_bytes(1));
  EXPECT_EQ(DirectorState(), before);
}

TEST_F(UptaneCycleTest, Case33_EndlessDirectorTargetsStopAtCap) {
  EstablishTrust();
  const auto before = DirectorState();
  PublishUpdate("fw-2.bin", "firmware two");
  const std::string path = uptane::MetadataFileName("targets", director_.targets().version);
  director_fetcher_.ResetCounts();
  director_fetcher_.ServeEndless(path);
  ExpectRefused(RunCycle(), UptaneErrc::kEndlessData);
  EXPECT_LE(director_fetcher_.bytes_served(path), director_limits_.max_targets_bytes);
  EXPECT_FALSE(director_fetcher_.endless_limit_reached());
  EXPECT_EQ(DirectorState().at("targets"), before.at("targets"));
}

// --- Case 34: a new root for every request -----------------------------------

TEST_F(UptaneCycleTest, Case34_EndlessRootRotationsStopAtTheCap) {
  EstablishTrust();
  director_limits_.max_root_rotations = 4;
  // Every N.root.json asked for exists: a validly signed root N, made on
  // demand. The ceiling, far above the cap, only turns a missing cap into a
  // failure instead of a hang.
  const std::uint64_t ceiling = 10 * director_limits_.max_root_rotations;
  director_fetcher_.OnRequest([this, ceiling](const std::string& path) {
    const std::uint64_t next = director_.root().version + 1;
    if (next <= ceiling && path == uptane::MetadataFileName("root", next)) director_.RotateRoot();
  });
  director_fetcher_.ResetCounts();
  auto result = RunCycle();
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_LE(RootRequests(director_fetcher_), director_limits_.max_root_rotations + 1u);
  EXPECT_EQ(DirectorState().at("root"), director_.root_bytes(1 + director_limits_.max_root_rotations));
}

}  // namespace
}  // namespace otter::testing
