#include "cli/duration.h"

#include <gtest/gtest.h>

#include "cli/errors.h"

namespace otter::cli {
namespace {

using std::chrono::seconds;

TEST(DurationTest, ParsesEachUnit) {
  EXPECT_EQ(*ParseDuration("45s"), seconds(45));
  EXPECT_EQ(*ParseDuration("30m"), seconds(30 * 60));
  EXPECT_EQ(*ParseDuration("12h"), seconds(12 * 3600));
  EXPECT_EQ(*ParseDuration("90d"), seconds(90 * 86400));
  EXPECT_EQ(*ParseDuration("2w"), seconds(14 * 86400));
  EXPECT_EQ(*ParseDuration("1y"), seconds(365 * 86400));
}

TEST(DurationTest, RefusesWhatIsNotACountAndAUnit) {
  for (const char* text : {"", "d", "90", "0d", "-1d", "1.5d", "10x", "d10", "99999999999y"}) {
    auto parsed = ParseDuration(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_TRUE(parsed.error().Is(CliErrc::kUsage)) << text;
  }
}

}  // namespace
}  // namespace otter::cli
