// Object names, ref names and the files GET /treehub serves.
#include <gtest/gtest.h>

#include <string>

#include "treehub/served_paths.h"
#include "treehub/treehub.h"

namespace otter::treehub {
namespace {

const std::string kChecksum(64, 'a');

TEST(ObjectNameTest, ParsesEveryUploadType) {
  for (const auto& [extension, type] :
       {std::pair{"commit", ObjectType::kCommit}, std::pair{"dirtree", ObjectType::kDirTree},
        std::pair{"dirmeta", ObjectType::kDirMeta}, std::pair{"filez", ObjectType::kFile}}) {
    const auto name = ParseObjectName(kChecksum + "." + extension);
    ASSERT_TRUE(name.ok()) << extension;
    EXPECT_EQ(name->checksum, kChecksum);
    EXPECT_EQ(name->type, type);
    EXPECT_EQ(name->ToString(), kChecksum + "." + extension);
  }
}

TEST(ObjectNameTest, RefusesMalformedChecksums) {
  for (const std::string& name :
       {std::string("abc.commit"), std::string(63, 'a') + ".commit",
        std::string(65, 'a') + ".commit", std::string(64, 'A') + ".commit",
        std::string(64, 'g') + ".commit", kChecksum, "../" + std::string(61, 'a') + ".commit",
        std::string(""), std::string(".commit")}) {
    const auto parsed = ParseObjectName(name);
    ASSERT_FALSE(parsed.ok()) << name;
    EXPECT_TRUE(parsed.error().Is(TreehubErrc::kInvalidObjectName)) << name;
  }
}

TEST(ObjectNameTest, RefusesUnknownTypes) {
  for (const char* extension : {"file", "commitmeta", "sig", "", "commit.x", "FILEZ"}) {
    const auto parsed = ParseObjectName(kChecksum + "." + extension);
    ASSERT_FALSE(parsed.ok()) << extension;
    EXPECT_TRUE(parsed.error().Is(TreehubErrc::kUnknownObjectType)) << extension;
  }
}

TEST(RefNameTest, AcceptsOstreeRefs) {
  for (const char* ref : {"main", "os/main", "torizon/apalis-imx8/1.2", "a_b-c.d", "_x"}) {
    EXPECT_TRUE(ValidateRefName(ref).ok()) << ref;
  }
}

TEST(RefNameTest, RefusesTraversalAndOddNames) {
  for (const std::string& ref :
       {std::string(""), std::string("/etc/passwd"), std::string("../config"),
        std::string("os/../../x"), std::string("os//main"), std::string("os/"),
        std::string(".hidden"), std::string("os/.x"), std::string("a b"), std::string("a:b"),
        std::string("a^"), std::string(256, 'a'), kChecksum, std::string("a\0b", 3),
        std::string("-x")}) {
    const Status status = ValidateRefName(ref);
    ASSERT_FALSE(status.ok()) << ref;
    EXPECT_TRUE(status.error().Is(TreehubErrc::kInvalidRef)) << ref;
  }
}

TEST(ServedPathTest, ServesWhatAPullReads) {
  for (const std::string& path :
       {std::string("config"), std::string("summary"), std::string("summary.sig"),
        std::string("refs/heads/os/main"), "objects/aa/" + std::string(62, 'b') + ".commit",
        "objects/aa/" + std::string(62, 'b') + ".commitmeta",
        "objects/aa/" + std::string(62, 'b') + ".dirtree",
        "objects/aa/" + std::string(62, 'b') + ".dirmeta",
        "objects/aa/" + std::string(62, 'b') + ".filez", std::string("deltas/ab/cdef-123/0"),
        std::string("deltas/ab/cdef/superblock"), std::string("delta-indexes/ab/cdef.index")}) {
    EXPECT_TRUE(internal::IsServedPath(path)) << path;
  }
}

TEST(ServedPathTest, ServesNothingElse) {
  for (const std::string& path : {std::string(""),
                                  std::string("tmp/otter-upload-x"),
                                  std::string("state/x.commitpartial"),
                                  std::string("otter-refs.lock"),
                                  std::string(".lock"),
                                  std::string("refs/heads/../../x"),
                                  std::string("refs/heads/"),
                                  std::string("refs/remotes/origin/main"),
                                  std::string("refs/mirrors/x"),
                                  std::string("objects"),
                                  std::string("objects/aa"),
                                  "objects/aa/" + std::string(62, 'b') + ".file",
                                  "objects/aa/" + std::string(61, 'b') + ".filez",
                                  "objects/aa/../" + std::string(62, 'b') + ".filez",
                                  "/objects/aa/" + std::string(62, 'b') + ".filez",
                                  std::string("/config"),
                                  std::string("config/"),
                                  std::string("deltas"),
                                  std::string("deltas/../config"),
                                  std::string("deltas/ab/.x"),
                                  std::string("deltas/ab//x"),
                                  std::string("extensions/x"),
                                  std::string("../config"),
                                  std::string("./config")}) {
    EXPECT_FALSE(internal::IsServedPath(path)) << path;
  }
}

}  // namespace
}  // namespace otter::treehub
