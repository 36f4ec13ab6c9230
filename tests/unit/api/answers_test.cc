#include "api/answers.h"

#include <gtest/gtest.h>

#include "common/errors.h"
#include "storage/errors.h"
#include "uptane/errors.h"

namespace otter::api {
namespace {

TEST(AnswersTest, StatusFollowsTheErrorCode) {
  EXPECT_EQ(StatusFor(MakeError(CommonErrc::kInvalidArgument, "x")), 400u);
  EXPECT_EQ(StatusFor(MakeError(CommonErrc::kNotFound, "x")), 404u);
  EXPECT_EQ(StatusFor(MakeError(storage::StorageErrc::kConflict, "x")), 409u);
  EXPECT_EQ(StatusFor(MakeError(storage::StorageErrc::kNoSpace, "x")), 507u);
  EXPECT_EQ(StatusFor(MakeError(storage::StorageErrc::kBusy, "x")), 503u);
  EXPECT_EQ(StatusFor(MakeError(uptane::UptaneErrc::kBadSignature, "x")), 400u);
  EXPECT_EQ(StatusFor(MakeError(CommonErrc::kIo, "x")), 500u);
}

TEST(AnswersTest, ClientErrorsCarryTheirMessage) {
  const http::Response response =
      ErrorResponse(MakeError(CommonErrc::kInvalidArgument, "target name has '..'"));
  EXPECT_EQ(response.status, 400u);
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body.at("code"), "bad_request");
  EXPECT_EQ(body.at("description"), "target name has '..'");
}

TEST(AnswersTest, ServerErrorsHideInternals) {
  const http::Response response =
      ErrorResponse(MakeError(storage::StorageErrc::kDatabase, "disk I/O at /var/lib/secret"));
  EXPECT_EQ(response.status, 500u);
  EXPECT_EQ(response.body.find("/var/lib/secret"), std::string::npos);
}

TEST(AnswersTest, JsonBodiesAreParsedOrRefused) {
  EXPECT_EQ(ParseJsonBody(R"({"a": 1})").value().at("a"), 1);
  const auto bad = ParseJsonBody("{\"a\": ");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(StatusFor(bad.error()), 400u);
}

}  // namespace
}  // namespace otter::api
