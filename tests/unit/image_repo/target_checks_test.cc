#include "image_repo/target_checks.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "image_repo/errors.h"

namespace otter::image_repo {
namespace {

TEST(TargetNameTest, AcceptsRelativePaths) {
  for (const std::string& name :
       std::vector<std::string>{"a", "fw-1.0.bin", "dir/sub/file.bin", "with space.bin",
                                "caf\xc3\xa9.bin", "..hidden", "a..b", std::string(1024, 'x')}) {
    EXPECT_TRUE(ValidateTargetName(name).ok()) << name;
  }
}

TEST(TargetNameTest, RefusesWhatCouldEscapeAFolder) {
  for (const std::string& name : std::vector<std::string>{
           "", "/a", "a/", "a//b", ".", "..", "../a", "a/../b", "a/.", "./a", "a\\b", "a\tb",
           std::string("a\x7f"), std::string("a\0b", 3), std::string(1025, 'x')}) {
    auto status = ValidateTargetName(name);
    ASSERT_FALSE(status.ok()) << name;
    EXPECT_TRUE(status.error().Is(ImageRepoErrc::kInvalidTarget));
  }
}

TEST(TargetNameTest, ErrorCodesHaveNames) {
  EXPECT_EQ(ErrorCodeName(ImageRepoErrc::kChangedMeanwhile), "changed_meanwhile");
  EXPECT_EQ(make_error_code(ImageRepoErrc::kBusy).message(), "busy");
}

}  // namespace
}  // namespace otter::image_repo
