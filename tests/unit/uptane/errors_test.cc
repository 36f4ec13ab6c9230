#include "uptane/errors.h"

#include <gtest/gtest.h>

namespace otter::uptane {
namespace {

TEST(AttackNameTest, AttackCodesHaveReportNames) {
  EXPECT_EQ(AttackName(make_error_code(UptaneErrc::kExpired)), "FreezeAttack");
  EXPECT_EQ(AttackName(make_error_code(UptaneErrc::kRollback)), "RollbackAttack");
  EXPECT_EQ(AttackName(make_error_code(UptaneErrc::kMixAndMatch)), "MixAndMatchAttack");
  EXPECT_EQ(AttackName(make_error_code(UptaneErrc::kEndlessData)), "EndlessDataAttack");
  EXPECT_EQ(AttackName(make_error_code(UptaneErrc::kTargetMismatch)), "ArbitrarySoftwareAttack");
  EXPECT_EQ(AttackName(make_error_code(UptaneErrc::kBadHash)), "WrongSoftwareAttack");
}

TEST(AttackNameTest, FaultsAndOtherModulesAreNoAttack) {
  EXPECT_TRUE(AttackName(make_error_code(UptaneErrc::kFetchFailed)).empty());
  EXPECT_TRUE(AttackName(make_error_code(UptaneErrc::kStorage)).empty());
  EXPECT_TRUE(AttackName(make_error_code(CommonErrc::kTimeout)).empty());
}

TEST(UptaneCategoryTest, EveryCodeHasAMessage) {
  for (int code = 1; code <= static_cast<int>(UptaneErrc::kStorage); ++code)
    EXPECT_NE(UptaneCategory().message(code), "unknown") << code;
}

}  // namespace
}  // namespace otter::uptane
