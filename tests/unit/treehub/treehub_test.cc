// The treehub service on a real archive repository, fed with objects of
// commits made by the `ostree` CLI.
#include "treehub/treehub.h"

#include <endian.h>
#include <gtest/gtest.h>
#include <ostree.h>

#include <cstring>
#include <regex>
#include <thread>

#include "common/hash.h"
#include "support/must.h"
#include "unit/treehub/ostree_fixture.h"

namespace otter::treehub {
namespace {

using otter::testing::Must;
using otter::testing::MustOk;
using testing::MustRun;
using testing::Quote;
using testing::ReadText;
using testing::SourceRepo;
using testing::TempFolder;

class TreehubTest : public ::testing::Test {
 protected:
  std::filesystem::path ServerPath() const { return folder_.path() / "server"; }

  std::string Bytes(const std::string& name) const { return ReadText(source_.ObjectPath(name)); }

  void Upload(const std::string& name) { Must(hub_->WriteObject(name, Bytes(name)), name); }

  void UploadAll(const std::string& except = "") {
    for (const std::string& name : source_.ObjectNames()) {
      if (name != except) Upload(name);
    }
  }

  bool Visible(const std::string& name) const {
    return std::filesystem::exists(ServerPath() / "objects" / name.substr(0, 2) / name.substr(2));
  }

  void Fsck() const { MustRun("ostree fsck --repo=" + Quote(ServerPath())); }

  // The content object of `path` in `commit` ("<checksum>.filez").
  std::string FileObject(const std::string& commit, const std::string& path) const {
    const std::string listing =
        MustRun("ostree ls -C --repo=" + Quote(source_.path()) + " " + commit + " " + path);
    std::smatch match;
    if (!std::regex_search(listing, match, std::regex("[0-9a-f]{64}"))) {
      throw std::runtime_error("no checksum in: " + listing);
    }
    return match.str() + ".filez";
  }

  static std::string WithError(const Status& status) {
    return status.ok() ? "ok" : status.error().message();
  }

  TempFolder folder_;
  std::unique_ptr<Treehub> hub_ = Must(Treehub::Open(ServerPath()), "opening the treehub");
  SourceRepo source_{folder_.path() / "source", "archive"};
};

// A serialized dirtree with one file entry.
std::string DirTreeWithFile(const std::string& file_name, const std::string& checksum) {
  GVariantBuilder files;
  g_variant_builder_init(&files, G_VARIANT_TYPE("a(say)"));
  g_variant_builder_add(&files, "(s@ay)", file_name.c_str(),
                        ostree_checksum_to_bytes_v(checksum.c_str()));
  GVariant* tree =
      g_variant_ref_sink(g_variant_new("(@a(say)@a(sayay))", g_variant_builder_end(&files),
                                       g_variant_new_array(G_VARIANT_TYPE("(sayay)"), nullptr, 0)));
  std::string bytes(static_cast<const char*>(g_variant_get_data(tree)), g_variant_get_size(tree));
  g_variant_unref(tree);
  return bytes;
}

std::size_t FilezHeaderLength(const std::string& filez) {
  std::uint32_t size = 0;
  std::memcpy(&size, filez.data(), sizeof(size));
  return 8 + be32toh(size);
}

TEST_F(TreehubTest, OpenCreatesAnArchiveRepository) {
  EXPECT_NE(ReadText(ServerPath() / "config").find("mode=archive"), std::string::npos);
  EXPECT_TRUE(Treehub::Open(ServerPath()).ok());  // and opens it again
}

TEST_F(TreehubTest, OpenRefusesARepositoryInAnotherMode) {
  const auto bare = folder_.path() / "bare";
  MustRun("ostree init --mode=bare-user --repo=" + Quote(bare));
  const auto opened = Treehub::Open(bare);
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(opened.error().Is(TreehubErrc::kRepository));
}

TEST_F(TreehubTest, UploadedCommitIsCompleteAndPassesFsck) {
  const std::string commit = source_.Commit("os/main", "one", "1.0");
  UploadAll();
  const CommitInfo info = Must(hub_->Commit(commit));
  EXPECT_TRUE(info.complete) << info.incomplete_reason;
  EXPECT_TRUE(info.missing_objects.empty());
  EXPECT_EQ(info.subject, "build one");
  EXPECT_EQ(info.version, "1.0");
  EXPECT_FALSE(info.parent.has_value());
  EXPECT_GT(info.timestamp.time_since_epoch().count(), 0);
  EXPECT_TRUE(Must(hub_->MissingObjects(source_.ObjectNames())).empty());
  Fsck();
}

TEST_F(TreehubTest, ASecondUploadFindsTheObjectPresent) {
  source_.Commit("os/main", "one");
  const std::string name = source_.ObjectNamesEndingWith(".filez").front();
  EXPECT_EQ(Must(hub_->WriteObject(name, Bytes(name))), UploadOutcome::kStored);
  EXPECT_EQ(Must(hub_->WriteObject(name, Bytes(name))), UploadOutcome::kAlreadyPresent);
}

TEST_F(TreehubTest, MissingObjectsListsWhatIsAbsentOnce) {
  source_.Commit("os/main", "one");
  std::vector<std::string> names = source_.ObjectNames();
  Upload(names.front());
  std::vector<std::string> asked = names;
  asked.push_back(names.back());  // a duplicate
  const auto missing = Must(hub_->MissingObjects(asked));
  EXPECT_EQ(missing, std::vector<std::string>(names.begin() + 1, names.end()));
}

TEST_F(TreehubTest, MissingObjectsRefusesAMalformedName) {
  const auto missing = hub_->MissingObjects({std::string(64, 'a') + ".commit", "../../config"});
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().Is(TreehubErrc::kInvalidObjectName));
}

TEST_F(TreehubTest, MetadataThatDoesNotHashToItsNameIsRefused) {
  const std::string commit = source_.Commit("os/main", "one");
  const std::string name = commit + ".commit";
  std::string bytes = Bytes(name);
  bytes[bytes.size() / 2] ^= 0x01;
  const auto written = hub_->WriteObject(name, bytes);
  ASSERT_FALSE(written.ok());
  EXPECT_TRUE(written.error().Is(TreehubErrc::kHashMismatch)) << written.error().message();
  EXPECT_FALSE(Visible(name));
  EXPECT_FALSE(Must(hub_->HasObject(Must(ParseObjectName(name)))));
  Fsck();
}

TEST_F(TreehubTest, ContentUnderAnotherNameIsRefused) {
  const std::string commit = source_.Commit("os/main", "one");
  const std::string readme = FileObject(commit, "/usr/share/README");
  const std::string script = FileObject(commit, "/usr/bin/run");
  const auto written = hub_->WriteObject(script, Bytes(readme));
  ASSERT_FALSE(written.ok());
  EXPECT_TRUE(written.error().Is(TreehubErrc::kHashMismatch)) << written.error().message();
  EXPECT_FALSE(Visible(script));
  EXPECT_FALSE(Visible(readme));
  Fsck();
}

TEST_F(TreehubTest, CorruptContentIsMalformed) {
  const std::string commit = source_.Commit("os/main", "one");
  const std::string data = FileObject(commit, "/usr/share/data.txt");
  const std::string bytes = Bytes(data);
  for (const std::string& corrupt :
       {bytes.substr(0, bytes.size() / 2), std::string("hello"), std::string(),
        bytes.substr(0, FilezHeaderLength(bytes)) + "not deflate data at all"}) {
    const auto written = hub_->WriteObject(data, corrupt);
    ASSERT_FALSE(written.ok());
    EXPECT_TRUE(written.error().Is(TreehubErrc::kMalformedObject)) << written.error().message();
  }
  EXPECT_FALSE(Visible(data));
}

TEST_F(TreehubTest, ContentLongerThanItsHeaderSaysIsRefused) {
  const std::string one = source_.Commit("os/main", "one");
  const std::string two = source_.Commit("os/main", "two-with-a-longer-name");
  const std::string short_file = Bytes(FileObject(one, "/usr/share/README"));
  const std::string long_file = Bytes(FileObject(two, "/usr/share/README"));
  // The header (size and all) of the short file, the data of the long one.
  const std::string spliced = short_file.substr(0, FilezHeaderLength(short_file)) +
                              long_file.substr(FilezHeaderLength(long_file));
  const std::string name = Sha256Hex(spliced) + ".filez";
  const auto written = hub_->WriteObject(name, spliced);
  ASSERT_FALSE(written.ok());
  EXPECT_TRUE(written.error().Is(TreehubErrc::kMalformedObject)) << written.error().message();
  EXPECT_NE(written.error().message().find("longer"), std::string::npos);
}

TEST_F(TreehubTest, BytesThatHashRightButAreNoObjectAreMalformed) {
  const std::string garbage = "this is not a commit";
  const auto written = hub_->WriteObject(Sha256Hex(garbage) + ".commit", garbage);
  ASSERT_FALSE(written.ok());
  EXPECT_TRUE(written.error().Is(TreehubErrc::kMalformedObject)) << written.error().message();
}

TEST_F(TreehubTest, ATreeWithATraversingFileNameIsMalformed) {
  const std::string tree = DirTreeWithFile("../../etc/passwd", std::string(64, 'a'));
  const auto written = hub_->WriteObject(Sha256Hex(tree) + ".dirtree", tree);
  ASSERT_FALSE(written.ok());
  EXPECT_TRUE(written.error().Is(TreehubErrc::kMalformedObject)) << written.error().message();
  const std::string fine = DirTreeWithFile("passwd", std::string(64, 'a'));
  EXPECT_EQ(Must(hub_->WriteObject(Sha256Hex(fine) + ".dirtree", fine)), UploadOutcome::kStored);
}

TEST_F(TreehubTest, UnknownTypesAndBadNamesAreRefusedBeforeTheBody) {
  const std::string checksum(64, 'c');
  for (const std::string& name : {checksum + ".file", checksum + ".commitmeta"}) {
    const auto upload = hub_->BeginUpload(name);
    ASSERT_FALSE(upload.ok());
    EXPECT_TRUE(upload.error().Is(TreehubErrc::kUnknownObjectType)) << name;
  }
  for (const std::string& name : {std::string("../config"), "objects/" + checksum + ".commit"}) {
    const auto upload = hub_->BeginUpload(name);
    ASSERT_FALSE(upload.ok());
    EXPECT_TRUE(upload.error().Is(TreehubErrc::kInvalidObjectName)) << name;
  }
}

TEST_F(TreehubTest, AnUploadPastTheLimitIsRefused) {
  hub_ = Must(Treehub::Open(ServerPath(), {.max_object_bytes = 1000}));
  auto upload = Must(hub_->BeginUpload(std::string(64, 'a') + ".filez"));
  MustOk(upload->Write(std::string(600, 'x')));
  const Status status = upload->Write(std::string(600, 'x'));
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().Is(CommonErrc::kTooLarge));
}

TEST_F(TreehubTest, AFileLargerThanAllowedIsRefused) {
  const std::string commit = source_.Commit("os/main", "one");
  hub_ = Must(Treehub::Open(ServerPath(), {.max_file_bytes = 1024}));
  const std::string data = FileObject(commit, "/usr/share/data.txt");
  const auto written = hub_->WriteObject(data, Bytes(data));
  ASSERT_FALSE(written.ok());
  EXPECT_TRUE(written.error().Is(TreehubErrc::kTooLarge)) << written.error().message();
}

TEST_F(TreehubTest, ACommitWithoutItsTreesIsIncomplete) {
  const std::string commit = source_.Commit("os/main", "one");
  Upload(commit + ".commit");
  const CommitInfo info = Must(hub_->Commit(commit));
  EXPECT_FALSE(info.complete);
  EXPECT_FALSE(info.incomplete_reason.empty());
  const auto set = hub_->SetRef("os/main", commit, false);
  ASSERT_FALSE(set.ok());
  EXPECT_TRUE(set.error().Is(TreehubErrc::kIncompleteCommit)) << set.error().message();
  EXPECT_FALSE(std::filesystem::exists(ServerPath() / "refs/heads/os/main"));
}

TEST_F(TreehubTest, AMissingFileIsListed) {
  const std::string commit = source_.Commit("os/main", "one");
  const std::string script = FileObject(commit, "/usr/bin/run");
  UploadAll(script);
  const CommitInfo info = Must(hub_->Commit(commit));
  EXPECT_FALSE(info.complete);
  EXPECT_EQ(info.missing_objects, std::vector<std::string>{script});
  EXPECT_TRUE(hub_->SetRef("os/main", commit, false).error().Is(TreehubErrc::kIncompleteCommit));
  Upload(script);
  EXPECT_TRUE(Must(hub_->Commit(commit)).complete);
  Must(hub_->SetRef("os/main", commit, false), "setting the ref");
}

TEST_F(TreehubTest, AnUnknownCommitIsRefused) {
  const auto set = hub_->SetRef("os/main", std::string(64, 'e'), true);
  ASSERT_FALSE(set.ok());
  EXPECT_TRUE(set.error().Is(TreehubErrc::kUnknownCommit));
  const auto info = hub_->Commit(std::string(64, 'e'));
  ASSERT_FALSE(info.ok());
  EXPECT_TRUE(info.error().Is(TreehubErrc::kNotFound));
}

TEST_F(TreehubTest, RefsMoveForwardOnlyUnlessForced) {
  const std::string one = source_.Commit("os/main", "one");
  const std::string two = source_.Commit("os/main", "two");  // child of one
  UploadAll();
  RefChange change = Must(hub_->SetRef("os/main", one, false));
  EXPECT_FALSE(change.previous.has_value());
  change = Must(hub_->SetRef("os/main", two, false));
  EXPECT_EQ(change.previous, one);
  EXPECT_FALSE(change.forced);
  EXPECT_EQ(Must(hub_->Commit(two)).parent, one);

  const auto back = hub_->SetRef("os/main", one, false);
  ASSERT_FALSE(back.ok());
  EXPECT_TRUE(back.error().Is(TreehubErrc::kNotFastForward)) << back.error().message();
  EXPECT_EQ(Must(hub_->Ref("os/main")), two);

  change = Must(hub_->SetRef("os/main", one, true));
  EXPECT_TRUE(change.forced);
  EXPECT_EQ(change.previous, two);
  EXPECT_EQ(Must(hub_->Ref("os/main")), one);
  change = Must(hub_->SetRef("os/main", one, false));  // no move at all
  EXPECT_FALSE(change.forced);
  EXPECT_EQ(ReadText(ServerPath() / "refs/heads/os/main"), one + "\n");
  EXPECT_EQ(Must(hub_->Refs()), (std::map<std::string, std::string>{{"os/main", one}}));
  Fsck();
}

TEST_F(TreehubTest, AHistoryWithAGapIsNotAFastForward) {
  const std::string one = source_.Commit("os/main", "one");
  const std::string two = source_.Commit("os/main", "two");
  const std::string three = source_.Commit("os/main", "three");
  UploadAll();
  Must(hub_->SetRef("os/main", one, false), "setting the ref");
  std::filesystem::remove(ServerPath() / "objects" / two.substr(0, 2) /
                          (two.substr(2) + ".commit"));
  const auto set = hub_->SetRef("os/main", three, false);
  ASSERT_FALSE(set.ok());
  EXPECT_TRUE(set.error().Is(TreehubErrc::kNotFastForward));
  EXPECT_NE(set.error().message().find("not in the repository"), std::string::npos);
}

TEST_F(TreehubTest, BadRefNamesChangeNothing) {
  const std::string one = source_.Commit("os/main", "one");
  UploadAll();
  for (const char* ref : {"../../config", "/abs", "os/../../x", "os//main", ""}) {
    const auto set = hub_->SetRef(ref, one, true);
    ASSERT_FALSE(set.ok()) << ref;
    EXPECT_TRUE(set.error().Is(TreehubErrc::kInvalidRef)) << ref;
  }
  EXPECT_TRUE(Must(hub_->Refs()).empty());
  EXPECT_EQ(ReadText(ServerPath() / "config").find(one), std::string::npos);
  const auto bad_commit = hub_->SetRef("os/main", "HEAD", false);
  ASSERT_FALSE(bad_commit.ok());
  EXPECT_TRUE(bad_commit.error().Is(TreehubErrc::kInvalidChecksum));
}

TEST_F(TreehubTest, RefsThatWouldNestInEachOtherConflict) {
  const std::string one = source_.Commit("os/main", "one");
  UploadAll();
  ASSERT_TRUE(hub_->SetRef("os", one, false).ok());
  auto set = hub_->SetRef("os/main", one, false);
  ASSERT_FALSE(set.ok());
  EXPECT_TRUE(set.error().Is(TreehubErrc::kRefConflict)) << set.error().message();
  ASSERT_TRUE(hub_->SetRef("apps/x", one, false).ok());
  set = hub_->SetRef("apps", one, false);
  ASSERT_FALSE(set.ok());
  EXPECT_TRUE(set.error().Is(TreehubErrc::kRefConflict)) << set.error().message();
  const auto ref = hub_->Ref("apps");
  ASSERT_FALSE(ref.ok());
  EXPECT_TRUE(ref.error().Is(TreehubErrc::kNotFound));
}

TEST_F(TreehubTest, ConcurrentUploadsOfTheSameObjectsAllSucceed) {
  const std::string commit = source_.Commit("os/main", "one");
  const std::vector<std::string> names = source_.ObjectNames();
  std::vector<std::string> failures(4);
  {
    std::vector<std::jthread> threads;
    for (std::size_t t = 0; t < failures.size(); ++t) {
      threads.emplace_back([&, t] {
        for (std::size_t i = 0; i < names.size(); ++i) {
          const std::string& name = names[(i + t * 3) % names.size()];
          const auto written = hub_->WriteObject(name, Bytes(name));
          if (!written.ok()) failures[t] += written.error().message() + "\n";
        }
      });
    }
  }
  for (const std::string& failure : failures) EXPECT_EQ(failure, "");
  EXPECT_TRUE(Must(hub_->Commit(commit)).complete);
  Fsck();
}

TEST_F(TreehubTest, TwoInstancesShareOneRepository) {
  const std::string one = source_.Commit("os/main", "one");
  const std::string two = source_.Commit("os/main", "two");
  UploadAll();
  const auto other = Must(Treehub::Open(ServerPath()));
  ASSERT_TRUE(hub_->SetRef("os/main", one, false).ok());
  EXPECT_EQ(Must(other->Ref("os/main")), one);
  EXPECT_TRUE(other->SetRef("os/main", two, false).ok());
  EXPECT_TRUE(hub_->SetRef("os/main", one, false).error().Is(TreehubErrc::kNotFastForward));
}

}  // namespace
}  // namespace otter::treehub
