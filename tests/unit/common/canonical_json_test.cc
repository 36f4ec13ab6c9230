#include "common/canonical_json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "common/errors.h"

namespace otter {
namespace {

using nlohmann::json;

std::string Canonical(const json& value) {
  auto result = CanonicalJson(value);
  EXPECT_TRUE(result.ok()) << result.error().message();
  return result.ok() ? *result : "";
}

TEST(CanonicalJsonTest, Scalars) {
  EXPECT_EQ(Canonical(nullptr), "null");
  EXPECT_EQ(Canonical(true), "true");
  EXPECT_EQ(Canonical(false), "false");
  EXPECT_EQ(Canonical(0), "0");
  EXPECT_EQ(Canonical(42), "42");
  EXPECT_EQ(Canonical("text"), "\"text\"");
  EXPECT_EQ(Canonical(""), "\"\"");
}

TEST(CanonicalJsonTest, NegativeIntegers) {
  EXPECT_EQ(Canonical(-1), "-1");
  EXPECT_EQ(Canonical(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(Canonical(json::parse("-17")), "-17");
}

TEST(CanonicalJsonTest, LargeUnsignedIntegers) {
  EXPECT_EQ(Canonical(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(Canonical(json::parse("18446744073709551615")), "18446744073709551615");
  EXPECT_EQ(Canonical(std::numeric_limits<std::int64_t>::max()), "9223372036854775807");
}

TEST(CanonicalJsonTest, EscapesOnlyQuoteAndBackslash) {
  EXPECT_EQ(Canonical("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(Canonical("a\\b"), "\"a\\\\b\"");
  EXPECT_EQ(Canonical("\\\"\\"), "\"\\\\\\\"\\\\\"");
  EXPECT_EQ(Canonical("/"), "\"/\"");
}

TEST(CanonicalJsonTest, WritesControlCharactersRaw) {
  const std::string controls = "\n\r\t\b\f\x01\x1f\x7f";
  EXPECT_EQ(Canonical(controls), "\"" + controls + "\"");
  const std::string with_nul("a\0b", 3);
  EXPECT_EQ(Canonical(with_nul), std::string("\"a\0b\"", 5));
}

TEST(CanonicalJsonTest, WritesUnicodeRaw) {
  // From parsed \u escapes, so the test does not depend on source encoding.
  const json value = json::parse(R"("\u00e9\u20ac\ud83d\ude00\u0080")");
  EXPECT_EQ(Canonical(value), "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc2\x80\"");
}

TEST(CanonicalJsonTest, SortsKeysByCodePoint) {
  // Byte order of UTF-8 is code point order. U+FF61 sorts before U+1F600 by
  // code point, though not by UTF-16 unit (0xFF61 > 0xD83D).
  const json value = json::parse(R"({
    "\ud83d\ude00": 9, "\uff61": 8, "\u20ac": 7, "\u00e9": 6, "\u0080": 5,
    "z": 4, "b": 3, "ab": 2, "a": 1, "B": 0, "": -1, "a\u0000": 10
  })");
  EXPECT_EQ(Canonical(value), "{\"\":-1,\"B\":0,\"a\":1," + std::string("\"a\0\":10,", 8) +
                                  "\"ab\":2,\"b\":3,\"z\":4,"
                                  "\"\xc2\x80\":5,\"\xc3\xa9\":6,\"\xe2\x82\xac\":7,"
                                  "\"\xef\xbd\xa1\":8,\"\xf0\x9f\x98\x80\":9}");
}

TEST(CanonicalJsonTest, KeyThatIsAPrefixSortsFirst) {
  const json value = {{"keyid_hash_algorithms", 1}, {"keyid", 2}, {"key", 3}};
  EXPECT_EQ(Canonical(value), R"({"key":3,"keyid":2,"keyid_hash_algorithms":1})");
}

TEST(CanonicalJsonTest, EscapesKeys) {
  const json value = {{"q\"k", 1}, {"b\\k", 2}};
  EXPECT_EQ(Canonical(value), R"({"b\\k":2,"q\"k":1})");
}

TEST(CanonicalJsonTest, NestedWithoutWhitespace) {
  const json value = json::parse(R"(
    { "signed": { "version": 3, "roles": [ {"z": null, "a": [true, false]}, [] ],
                  "empty": {} },
      "signatures": [] })");
  EXPECT_EQ(
      Canonical(value),
      R"({"signatures":[],"signed":{"empty":{},"roles":[{"a":[true,false],"z":null},[]],"version":3}})");
}

TEST(CanonicalJsonTest, EmptyContainers) {
  EXPECT_EQ(Canonical(json::array()), "[]");
  EXPECT_EQ(Canonical(json::object()), "{}");
}

TEST(CanonicalJsonTest, RefusesFloats) {
  for (const json& value : {json(1.5), json(1.0), json(-0.0), json(1e300)}) {
    const auto result = CanonicalJson(value);
    ASSERT_FALSE(result.ok()) << value.dump();
    EXPECT_TRUE(result.error().Is(CommonErrc::kInvalidArgument));
    EXPECT_NE(result.error().message().find("floating-point"), std::string::npos);
  }
}

TEST(CanonicalJsonTest, RefusesNestedFloatAndSaysWhere) {
  const json value = json::parse(R"({"signed": {"expires": [1, 2, 0.5]}})");
  const auto result = CanonicalJson(value);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().Is(CommonErrc::kInvalidArgument));
  const std::string& message = result.error().message();
  EXPECT_NE(message.find("\"signed\""), std::string::npos) << message;
  EXPECT_NE(message.find("\"expires\""), std::string::npos) << message;
  EXPECT_NE(message.find("index 2"), std::string::npos) << message;
  EXPECT_NE(message.find("0.5"), std::string::npos) << message;
}

TEST(CanonicalJsonTest, RefusesBinary) {
  const auto result = CanonicalJson(json::binary({1, 2, 3}));
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().Is(CommonErrc::kInvalidArgument));
}

// Without control characters: raw ones make the output invalid strict JSON.
TEST(CanonicalJsonTest, StableUnderReparse) {
  const json value =
      json::parse(R"({"b": [1, -2, "x\"\\y"], "a": {"d": "\u00e9\u007f", "c": null}})");
  const std::string once = Canonical(value);
  EXPECT_EQ(Canonical(json::parse(once)), once);
}

}  // namespace
}  // namespace otter
