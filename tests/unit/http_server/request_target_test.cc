#include "http_server/request_target.h"

#include <gtest/gtest.h>

#include "http_server/byte_range.h"

namespace otter::http {
namespace {

TEST(ParseTarget, DecodesPathAndQuery) {
  auto parsed = ParseTarget("/a%20b/c+d?x=1&y=a+b%21&flag&x=2");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->path, "/a b/c+d");
  EXPECT_EQ(parsed->query.at("x"), "1");  // the first of repeated names
  EXPECT_EQ(parsed->query.at("y"), "a b!");
  EXPECT_EQ(parsed->query.at("flag"), "");
}

TEST(ParseTarget, KeepsEmptyAndDotSegments) {
  auto parsed = ParseTarget("/treehub//./config/");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->path, "/treehub//./config/");
}

TEST(ParseTarget, RefusesDotDotSegments) {
  EXPECT_FALSE(ParseTarget("/a/../b").ok());
  EXPECT_FALSE(ParseTarget("/a/%2e%2E/b").ok());
  EXPECT_FALSE(ParseTarget("/..").ok());
  EXPECT_TRUE(ParseTarget("/a/..b/c..").ok());
}

TEST(ParseTarget, RefusesNulAndBadEscapes) {
  EXPECT_FALSE(ParseTarget("/a%00b").ok());
  EXPECT_FALSE(ParseTarget("/a%zz").ok());
  EXPECT_FALSE(ParseTarget("/a%4").ok());
  EXPECT_FALSE(ParseTarget("/a%").ok());
  EXPECT_FALSE(ParseTarget("/a?x=%g1").ok());
  EXPECT_FALSE(ParseTarget("/a?x=%00").ok());
}

TEST(ParseTarget, RefusesEncodedSlashAndOtherForms) {
  EXPECT_FALSE(ParseTarget("/a%2Fb").ok());
  EXPECT_FALSE(ParseTarget("http://host/a").ok());
  EXPECT_FALSE(ParseTarget("*").ok());
  EXPECT_FALSE(ParseTarget("").ok());
}

TEST(PercentDecode, PlusIsSpaceOnlyWhenAsked) {
  EXPECT_EQ(PercentDecode("a+b%2B", false), "a+b+");
  EXPECT_EQ(PercentDecode("a+b%2B", true), "a b+");
  EXPECT_EQ(PercentDecode("%41%62", false), "Ab");
  EXPECT_EQ(PercentDecode("%4", false), std::nullopt);
}

using Kind = RangeRequest::Kind;

TEST(ParseRange, OpenAndClosedRanges) {
  RangeRequest open = ParseRange("bytes=10-", 100);
  EXPECT_EQ(open.kind, Kind::kPart);
  EXPECT_EQ(open.first, 10U);
  EXPECT_EQ(open.last, 99U);
  RangeRequest closed = ParseRange("bytes=10-19", 100);
  EXPECT_EQ(closed.kind, Kind::kPart);
  EXPECT_EQ(closed.last, 19U);
  EXPECT_EQ(ParseRange("bytes=10-500", 100).last, 99U);  // clamped to the end
}

TEST(ParseRange, Suffix) {
  RangeRequest suffix = ParseRange("bytes=-30", 100);
  EXPECT_EQ(suffix.kind, Kind::kPart);
  EXPECT_EQ(suffix.first, 70U);
  EXPECT_EQ(suffix.last, 99U);
  EXPECT_EQ(ParseRange("bytes=-300", 100).first, 0U);
  EXPECT_EQ(ParseRange("bytes=-0", 100).kind, Kind::kUnsatisfiable);
}

TEST(ParseRange, PastTheEndIsUnsatisfiable) {
  EXPECT_EQ(ParseRange("bytes=100-", 100).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=0-", 0).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=99-", 100).kind, Kind::kPart);
}

TEST(ParseRange, AnythingElseMeansTheWholeBody) {
  for (const char* header : {"bytes=1-2,5-6", "items=1-2", "bytes=5-2", "bytes=a-", "bytes=1",
                             "bytes=-", "bytes=1-x", "bytes=99999999999999999999-"}) {
    EXPECT_EQ(ParseRange(header, 100).kind, Kind::kWhole) << header;
  }
}

}  // namespace
}  // namespace otter::http
