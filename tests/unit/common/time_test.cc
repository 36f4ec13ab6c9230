#include "common/time.h"

#include <gtest/gtest.h>

#include "common/errors.h"

namespace otter {
namespace {

using namespace std::chrono;

TEST(TimeTest, ParsesTheEpoch) {
  const auto time = ParseTime("1970-01-01T00:00:00Z");
  ASSERT_TRUE(time.ok()) << time.error().message();
  EXPECT_EQ(time->time_since_epoch(), seconds{0});
}

TEST(TimeTest, ParsesAKnownTime) {
  const auto time = ParseTime("2025-02-09T09:17:23Z");
  ASSERT_TRUE(time.ok()) << time.error().message();
  EXPECT_EQ(*time, sys_days{2025y / February / 9} + 9h + 17min + 23s);
  EXPECT_EQ(time->time_since_epoch(), seconds{1739092643});
}

TEST(TimeTest, ParsesLeapDayAndEdges) {
  EXPECT_TRUE(ParseTime("2024-02-29T00:00:00Z").ok());
  EXPECT_TRUE(ParseTime("2000-02-29T23:59:59Z").ok());
  EXPECT_TRUE(ParseTime("0000-01-01T00:00:00Z").ok());
  EXPECT_TRUE(ParseTime("9999-12-31T23:59:59Z").ok());
}

TEST(TimeTest, FormatsAKnownTime) {
  EXPECT_EQ(FormatTime(TimePoint{seconds{1739092643}}), "2025-02-09T09:17:23Z");
  EXPECT_EQ(FormatTime(TimePoint{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTime(sys_days{2044y / August / 10} + 10h + 5min + 4s), "2044-08-10T10:05:04Z");
}

TEST(TimeTest, RoundTrips) {
  for (const char* text : {"2024-02-29T12:34:56Z", "1999-12-31T23:59:59Z", "2038-01-19T03:14:08Z",
                           "2106-02-07T06:28:16Z", "1969-07-20T20:17:40Z"}) {
    const auto time = ParseTime(text);
    ASSERT_TRUE(time.ok()) << text;
    EXPECT_EQ(FormatTime(*time), text);
  }
}

TEST(TimeTest, FormatThenParseIsIdentity) {
  for (std::int64_t s = -86400 * 400; s < 86400LL * 365 * 200; s += 7777777) {
    const TimePoint time{seconds{s}};
    const auto parsed = ParseTime(FormatTime(time));
    ASSERT_TRUE(parsed.ok()) << FormatTime(time);
    EXPECT_EQ(*parsed, time);
  }
}

TEST(TimeTest, RejectsImpossibleDates) {
  for (const char* text : {"2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
                           "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z",
                           "2024-01-00T00:00:00Z", "2024-01-32T00:00:00Z"}) {
    const auto time = ParseTime(text);
    ASSERT_FALSE(time.ok()) << text;
    EXPECT_TRUE(time.error().Is(CommonErrc::kParse));
  }
}

TEST(TimeTest, RejectsImpossibleTimes) {
  for (const char* text : {"2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:60Z",
                           "2024-01-01T99:99:99Z"}) {
    EXPECT_FALSE(ParseTime(text).ok()) << text;
  }
}

TEST(TimeTest, RejectsOtherForms) {
  for (const char* text : {
           "",
           "2024-01-01T00:00:00",        // missing Z
           "2024-01-01T00:00:00z",       // lowercase z
           "2024-01-01t00:00:00Z",       // lowercase t
           "2024-01-01 00:00:00Z",       // space
           "2024-01-01T00:00:00Z ",      // trailing space
           " 2024-01-01T00:00:00Z",      // leading space
           "2024-01-01T00:00:00ZZ",      // extra character
           "2024-01-01T00:00:00.000Z",   // fraction
           "2024-01-01T00:00:00+00:00",  // offset
           "2024-1-01T00:00:00Z",        // short month
           "24-01-01T00:00:00Z",         // short year
           "+024-01-01T00:00:00Z",       // sign
           "2024-01-01T0:00:00Z",        // short hour
           "2024/01/01T00:00:00Z",       // other separators
           "2024-01-01T00-00-00Z",
           "２024-01-01T00:00:00Z",  // non-ASCII digit
       }) {
    const auto time = ParseTime(text);
    ASSERT_FALSE(time.ok()) << '"' << text << '"';
    EXPECT_TRUE(time.error().Is(CommonErrc::kParse));
  }
  EXPECT_FALSE(ParseTime(std::string("2024-01-01T00:00:00Z\0", 21)).ok());
}

TEST(TimeTest, ErrorQuotesShortInputOnly) {
  const auto short_input = ParseTime("2024-02-30T00:00:00Z");
  ASSERT_FALSE(short_input.ok());
  EXPECT_NE(short_input.error().message().find("2024-02-30T00:00:00Z"), std::string::npos);
  const std::string long_text(5000, 'x');
  const auto long_input = ParseTime(long_text);
  ASSERT_FALSE(long_input.ok());
  EXPECT_LT(long_input.error().message().size(), 200u);
}

TEST(TimeTest, SystemClockIsNow) {
  const auto before = floor<seconds>(system_clock::now());
  const TimePoint now = SystemClock().Now();
  const auto after = floor<seconds>(system_clock::now());
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}

TEST(TimeTest, FixedClockStaysWhereSet) {
  FixedClock clock(TimePoint{seconds{100}});
  EXPECT_EQ(clock.Now(), TimePoint{seconds{100}});
  clock.Advance(seconds{5});
  EXPECT_EQ(clock.Now(), TimePoint{seconds{105}});
  clock.Set(TimePoint{seconds{7}});
  const Clock& as_clock = clock;
  EXPECT_EQ(as_clock.Now(), TimePoint{seconds{7}});
}

}  // namespace
}  // namespace otter
