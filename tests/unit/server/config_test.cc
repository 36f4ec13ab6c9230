#include "server/config.h"

#include <gtest/gtest.h>

namespace otter::server {
namespace {

TEST(ConfigTest, EmptyFileGivesTheEmbeddedDefault) {
  const ServerConfig config = ParseConfig("", "server.toml").value();
  EXPECT_EQ(config.gateway.address, "127.0.0.1");
  EXPECT_EQ(config.gateway.port, 8443);
  EXPECT_EQ(config.admin.port, 8444);
  EXPECT_EQ(config.targets_signing, TargetsSigning::kOnline);
  EXPECT_EQ(config.EffectiveDatabaseUrl().rfind("sqlite:///", 0), 0u);
  EXPECT_EQ(config.EffectiveBlobDir(), config.data_dir / "blobs");
  EXPECT_EQ(config.EffectivePublicUrl(), "https://localhost:8443");
}

TEST(ConfigTest, ReadsEveryKind) {
  const ServerConfig config = ParseConfig(R"(
data_dir = "/srv/otter"
public_url = "https://ota.example.com"
tls_hostnames = ["ota.example.com", "10.0.0.1"]
targets_signing = "offline"
database_url = "postgresql://otter@db/otter"
device_certificate_days = 30
[gateway]
address = "0.0.0.0"
port = 443
[admin]
port = 9000
)",
                                          "server.toml")
                                  .value();
  EXPECT_EQ(config.data_dir, "/srv/otter");
  EXPECT_EQ(config.gateway.address, "0.0.0.0");
  EXPECT_EQ(config.gateway.port, 443);
  EXPECT_EQ(config.admin.port, 9000);
  EXPECT_EQ(config.admin.address, "127.0.0.1");
  EXPECT_EQ(config.targets_signing, TargetsSigning::kOffline);
  EXPECT_EQ(config.EffectiveDatabaseUrl(), "postgresql://otter@db/otter");
  EXPECT_EQ(config.device_certificate_lifetime, std::chrono::hours(24 * 30));
  EXPECT_EQ(config.tls_hostnames.size(), 2u);
}

void ExpectRefused(std::string_view toml, std::string_view mentions) {
  const auto config = ParseConfig(toml, "server.toml");
  ASSERT_FALSE(config.ok()) << toml;
  EXPECT_NE(config.error().message().find(mentions), std::string::npos) << config.error().message();
}

TEST(ConfigTest, MistakesNameTheKey) {
  ExpectRefused("data_dri = \"/x\"", "unknown key data_dri");
  ExpectRefused("[gateway]\nprot = 1", "unknown key gateway.prot");
  ExpectRefused("[gateway]\nport = 70000", "gateway.port must be between");
  ExpectRefused("[gateway]\nport = \"443\"", "gateway.port must be an integer");
  ExpectRefused("targets_signing = \"sometimes\"", "targets_signing must be");
  ExpectRefused("log_level = \"loud\"", "log_level must be");
  ExpectRefused("tls_hostnames = []", "tls_hostnames");
  ExpectRefused("data_dir = ", "server.toml:line 1");
}

TEST(ConfigTest, MissingFileIsAnError) {
  EXPECT_FALSE(LoadConfig("/nonexistent/server.toml").ok());
}

}  // namespace
}  // namespace otter::server
