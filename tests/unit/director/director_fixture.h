// A Director over a fresh database (SQLite, and PostgreSQL when
// OTTER_TEST_POSTGRES_URL is set), an in-memory Image repository to assign
// targets from, and test devices that register ECUs and sign manifests with
// the project's own manifest code.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/device_credentials.h"
#include "api/schema.h"
#include "director/director.h"
#include "director/schema.h"
#include "storage/migrations.h"
#include "support/must.h"
#include "support/repository_simulator.h"
#include "unit/storage/database_fixture.h"
#include "uptane/manifest.h"

namespace otter::director::testing {

using nlohmann::json;
using otter::testing::Must;
using otter::testing::MustOk;

// Real time (rounded), so that TLS certificates issued "now" verify too.
inline TimePoint StartTime() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

struct TestEcu {
  std::string serial;
  std::string hardware_id;
  PrivateKey key;
  uptane::ReportedImage installed;
};

// A device as the agent will be: ECU keys, registration and manifests.
class TestDevice {
 public:
  TestDevice(std::string id, std::vector<TestEcu> ecus)
      : id_(std::move(id)), ecus_(std::move(ecus)) {}

  const std::string& id() const { return id_; }
  TestEcu& ecu(std::size_t index = 0) { return ecus_.at(index); }
  const std::vector<TestEcu>& ecus() const { return ecus_; }

  // POST /director/ecus body; the first ECU is the primary.
  json Registration() const {
    json ecus = json::array();
    for (const TestEcu& ecu : ecus_) {
      json key = ecu.key.public_key().ToTufJson();
      key.erase("scheme");  // as the reference (and aktualizr) send it
      ecus.push_back({{"ecu_serial", ecu.serial},
                      {"hardware_identifier", ecu.hardware_id},
                      {"clientKey", key}});
    }
    return {{"primary_ecu_serial", ecus_.front().serial}, {"ecus", ecus}};
  }

  // A signed manifest with the next report counter; `signer` overrides the
  // primary's key for the outer signature.
  std::string Manifest(const std::optional<uptane::InstallationReport>& report = std::nullopt,
                       const PrivateKey* signer = nullptr) {
    ++counter_;
    uptane::DeviceManifest manifest{.primary_ecu_serial = ecus_.front().serial};
    for (const TestEcu& ecu : ecus_) {
      const uptane::EcuVersionReport version{
          .ecu_serial = ecu.serial, .installed_image = ecu.installed, .report_counter = counter_};
      manifest.ecu_version_manifests.emplace(ecu.serial,
                                             Must(SignEcuVersionReport(version, ecu.key)));
    }
    manifest.installation_report = report;
    return Must(SignDeviceManifest(manifest, signer ? *signer : ecus_.front().key)).bytes;
  }

  void Install(std::size_t index, const uptane::TargetFile& target) {
    ecus_.at(index).installed = {.filepath = target.name,
                                 .length = target.length,
                                 .hashes = {{"sha256", target.hashes.at("sha256")}}};
  }
  std::uint64_t& counter() { return counter_; }

 private:
  std::string id_;
  std::vector<TestEcu> ecus_;
  std::uint64_t counter_ = 0;
};

inline PrivateKey NewKey(KeyType type = KeyType::kEd25519) {
  return Must(PrivateKey::Generate(type), "generating a key");
}

inline uptane::ReportedImage FactoryImage() {
  return {.filepath = "factory", .length = 0, .hashes = {{"sha256", std::string(64, 'f')}}};
}

inline uptane::InstallationReport Report(const std::string& correlation_id, bool success,
                                         const std::string& code,
                                         const std::string& description = "") {
  return {.correlation_id = correlation_id,
          .result = {.success = success, .code = code, .description = description}};
}

class DirectorTest : public storage::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    database_.emplace(Open());
    Must(storage::Migrate(*database_, {{1, "api", api::Schema()}, {2, "director", Schema()}}));
    image_.AddTarget(
        "myos-1", "rootfs one",
        {{"hardwareIds", {"rpi4"}}, {"releaseCounter", 1}, {"targetFormat", "BINARY"}});
    image_.AddTarget(
        "myos-2", "rootfs two",
        {{"hardwareIds", {"rpi4"}}, {"releaseCounter", 2}, {"targetFormat", "BINARY"}});
    image_.AddTarget("mcu-fw", "firmware", {{"hardwareIds", {"stm32"}}, {"releaseCounter", 1}});
    image_.Publish();
    director_.emplace(
        *database_, keys_, [this](std::string_view name) { return Find(name); }, clock_);
    MustOk(director_->InitializeRoot(root_key_), "initialising the Director root");
  }

  Result<uptane::TargetFile> Find(std::string_view name) {
    auto it = image_.targets().targets.find(std::string(name));
    if (it == image_.targets().targets.end())
      return MakeError(CommonErrc::kNotFound, "no target " + std::string(name));
    return it->second;
  }
  const uptane::TargetFile& Target(const std::string& name) {
    return image_.targets().targets.at(name);
  }

  // A registered device (devices table) with ECUs of the given hardware
  // (the first is the primary); ECUs are not registered with the Director.
  TestDevice NewDevice(const std::string& id, std::vector<std::string> hardware = {"rpi4"},
                       const std::string& certificate_serial = "") {
    const std::string serial = certificate_serial.empty() ? "serial-" + id : certificate_serial;
    MustOk(api::DeviceCredentials(*database_).Register(id, serial, clock_.Now()));
    std::vector<TestEcu> ecus;
    for (std::size_t i = 0; i < hardware.size(); ++i) {
      ecus.push_back({id + "-ecu" + std::to_string(i), hardware[i], NewKey(), FactoryImage()});
    }
    return TestDevice(id, std::move(ecus));
  }
  // NewDevice() and RegisterEcus().
  TestDevice RegisteredDevice(const std::string& id, std::vector<std::string> hardware = {"rpi4"}) {
    TestDevice device = NewDevice(id, std::move(hardware));
    Must(director_->RegisterEcus(id, device.Registration()), "registering ECUs");
    return device;
  }

  std::string MetadataOf(const std::string& device, const std::string& file) {
    return Must(director_->Metadata(device, file), "fetching " + file);
  }
  json SignedOf(const std::string& device, const std::string& file) {
    return json::parse(MetadataOf(device, file))["signed"];
  }
  DeviceState StateOf(const std::string& device) { return Must(director_->StatusOf(device)).state; }

  FixedClock clock_{StartTime()};
  PrivateKey root_key_ = NewKey();
  DirectorKeys keys_{NewKey(), NewKey(), NewKey(KeyType::kEcdsaP256)};
  otter::testing::SimulatedRepository image_{KeyType::kEd25519, StartTime()};
  std::optional<storage::Database> database_;
  std::optional<Director> director_;
};

inline void ExpectError(const Status& status, DirectorErrc code) {
  ASSERT_FALSE(status.ok()) << "expected " << CodeName(code);
  EXPECT_TRUE(status.error().Is(code)) << status.error().message();
}

template <typename T>
void ExpectError(const Result<T>& result, DirectorErrc code) {
  ASSERT_FALSE(result.ok()) << "expected " << CodeName(code);
  EXPECT_TRUE(result.error().Is(code)) << result.error().message();
}

#define OTTER_DIRECTOR_BACKENDS(suite)                                             \
  INSTANTIATE_TEST_SUITE_P(                                                        \
      Backends, suite,                                                             \
      ::testing::Values(storage::Backend::kSqlite, storage::Backend::kPostgresql), \
      storage::testing::BackendName)

}  // namespace otter::director::testing
