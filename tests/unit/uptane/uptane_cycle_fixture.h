// One Primary, a simulated Director and Image repository, and one update
// cycle run through the real verifier at a controlled time: the arrangement
// every security-matrix case starts from (reference/uptane-security.md).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include "support/director_simulator.h"
#include "support/must.h"
#include "support/repository_simulator.h"
#include "support/simulated_fetcher.h"
#include "uptane/errors.h"
#include "uptane/metadata_store.h"
#include "uptane/repository.h"
#include "uptane/uptane_verifier.h"

namespace otter::testing {

inline constexpr char kDeviceId[] = "vin-1";
inline constexpr char kPrimary[] = "ecu-primary";
inline constexpr char kPrimaryHardware[] = "hw-a";
inline constexpr char kSecondary[] = "ecu-secondary";
inline constexpr char kSecondaryHardware[] = "hw-b";

class UptaneCycleTest : public ::testing::Test {
 protected:
  UptaneCycleTest()
      : start_(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())),
        image_(KeyType::kEd25519, start_),
        director_(kDeviceId, KeyType::kEd25519, start_),
        image_fetcher_(image_),
        director_fetcher_(director_),
        now_(start_ + std::chrono::hours(1)) {
    MustOk(director_store_.Save("root", director_.root_bytes(1)), "seeding director root");
    MustOk(image_store_.Save("root", image_.root_bytes(1)), "seeding image root");
    Rebuild();
  }

  // New Repository objects over the same stores: what a restarted agent has.
  void Rebuild() {
    director_repo_.emplace("director", director_store_, director_fetcher_, director_limits_);
    image_repo_.emplace("image", image_store_, image_fetcher_, limits_);
  }

  Result<uptane::VerifiedUpdates> RunCycle() {
    Rebuild();
    uptane::UptaneVerifier verifier(Device(), *director_repo_, *image_repo_);
    return verifier.Verify(now_, installed_);
  }

  static uptane::DeviceIdentity Device() {
    return {kDeviceId, kPrimary, {{kPrimary, kPrimaryHardware}, {kSecondary, kSecondaryHardware}}};
  }

  // Publishes `name` in the Image repository and assigns it to `serial` in
  // the Director; both repositories publish a new version.
  uptane::TargetFile PublishUpdate(const std::string& name, const std::string& content,
                                   const std::string& serial = kPrimary,
                                   const std::string& hardware_id = kPrimaryHardware,
                                   std::uint64_t release_counter = 1) {
    const nlohmann::json custom = {{"hardwareIds", {hardware_id}},
                                   {"releaseCounter", release_counter},
                                   {"targetFormat", "BINARY"}};
    uptane::TargetFile image_target = image_.AddTarget(name, content, custom);
    image_.Publish();
    director_.ClearAssignments();
    director_.Assign(serial, hardware_id, image_target);
    director_.Publish();
    return image_target;
  }

  // A first good cycle, so that there is trusted state to protect.
  void EstablishTrust() {
    PublishUpdate("fw-1.bin", "firmware one");
    auto result = RunCycle();
    ASSERT_TRUE(result.ok()) << result.error().message();
    ASSERT_EQ(result->updates.size(), 1u);
    installed_[kPrimary] = Installed(result->updates[0].target);
  }

  static uptane::InstalledImage Installed(const uptane::TargetFile& target) {
    return {target.name, target.hashes, target.custom.release_counter.value_or(0)};
  }

  using StoreFiles = std::map<std::string, std::string, std::less<>>;
  StoreFiles DirectorState() const { return director_store_.files(); }
  StoreFiles ImageState() const { return image_store_.files(); }

  // The cycle was refused with `code`, and the code names an attack class
  // where it is one.
  template <typename T>
  static void ExpectRefused(const Result<T>& result, uptane::UptaneErrc code) {
    ASSERT_FALSE(result.ok()) << "the cycle was accepted";
    EXPECT_EQ(result.error().code(), make_error_code(code)) << result.error().message();
  }

  TimePoint start_;
  SimulatedRepository image_;
  SimulatedDirector director_;
  SimulatedFetcher image_fetcher_;
  SimulatedFetcher director_fetcher_;
  uptane::MemoryMetadataStore image_store_;
  uptane::MemoryMetadataStore director_store_;
  uptane::RepositoryLimits limits_;
  uptane::RepositoryLimits director_limits_ = uptane::RepositoryLimits::ForDirector();
  std::optional<uptane::Repository> director_repo_;
  std::optional<uptane::Repository> image_repo_;
  std::map<std::string, uptane::InstalledImage> installed_;
  TimePoint now_;
};

}  // namespace otter::testing
