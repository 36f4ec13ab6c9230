#include "common/hex.h"

#include <gtest/gtest.h>

#include "common/errors.h"

namespace otter {
namespace {

TEST(HexTest, EncodesLowercase) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\x7f\x80\xab\xff", 6)), "00017f80abff");
  EXPECT_EQ(HexEncode(""), "");
}

TEST(HexTest, DecodesBothCases) {
  const auto lower = HexDecode("00017f80abff");
  const auto upper = HexDecode("00017F80ABFF");
  ASSERT_TRUE(lower.ok());
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*lower, std::string("\x00\x01\x7f\x80\xab\xff", 6));
  EXPECT_EQ(*upper, *lower);
}

TEST(HexTest, DecodesEmpty) {
  const auto empty = HexDecode("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(HexTest, RoundTripsEveryByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  const std::string hex = HexEncode(bytes);
  EXPECT_EQ(hex.size(), 512u);
  const auto decoded = HexDecode(hex);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, bytes);
}

TEST(HexTest, RejectsOddLength) {
  const auto result = HexDecode("abc");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().Is(CommonErrc::kParse));
  EXPECT_NE(result.error().message().find("odd length"), std::string::npos);
}

TEST(HexTest, RejectsNonDigits) {
  for (const char* bad : {"0g", "g0", "zz", " 0", "0x", "+1", "-1", "0\n"}) {
    const auto result = HexDecode(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_TRUE(result.error().Is(CommonErrc::kParse)) << bad;
  }
  EXPECT_FALSE(HexDecode(std::string("0\0", 2)).ok());
}

TEST(HexTest, NamesTheOffsetOfABadDigit) {
  const auto result = HexDecode("00a0x0");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("offset 4"), std::string::npos)
      << result.error().message();
}

}  // namespace
}  // namespace otter
