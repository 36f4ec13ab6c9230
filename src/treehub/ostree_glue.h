// Internal: owning handles for the GLib values libostree hands out, GError
// to Error, and one OstreeRepo per operation.
#pragma once

#include <ostree.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "treehub/errors.h"
#include "treehub/treehub.h"

namespace otter::treehub::internal {

struct GObjectUnref {
  void operator()(gpointer object) const {
    if (object != nullptr) g_object_unref(object);
  }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct GVariantUnref {
  void operator()(GVariant* variant) const {
    if (variant != nullptr) g_variant_unref(variant);
  }
};
using VariantPtr = std::unique_ptr<GVariant, GVariantUnref>;

struct GFree {
  void operator()(gpointer memory) const { g_free(memory); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

struct GHashTableUnref {
  void operator()(GHashTable* table) const {
    if (table != nullptr) g_hash_table_unref(table);
  }
};
using HashTablePtr = std::unique_ptr<GHashTable, GHashTableUnref>;

// The GError** a libostree call fills in, freed with it.
class GlibError {
 public:
  GlibError() = default;
  ~GlibError() {
    if (error_ != nullptr) g_error_free(error_);
  }
  GlibError(const GlibError&) = delete;
  GlibError& operator=(const GlibError&) = delete;

  GError** out() { return &error_; }
  bool Matches(GQuark domain, int code) const {
    return error_ != nullptr && g_error_matches(error_, domain, code);
  }
  std::string message() const { return error_ != nullptr ? error_->message : "unknown error"; }

 private:
  GError* error_ = nullptr;
};

// `code` with "<context>: <GError message>"; a full disk is kNoSpace
// whatever `code` says.
Error ToError(const GlibError& error, TreehubErrc code, std::string_view context);

using RepoPtr = GObjectPtr<OstreeRepo>;

// Opens the repository at `path` for one operation (kRepository on failure).
Result<RepoPtr> OpenRepo(const std::filesystem::path& path);

// A libostree transaction on `repo`, aborted unless committed.
class Transaction {
 public:
  static Result<Transaction> Begin(OstreeRepo* repo);
  ~Transaction();
  Transaction(Transaction&& other) noexcept : repo_(other.repo_) { other.repo_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Commit();

 private:
  explicit Transaction(OstreeRepo* repo) : repo_(repo) {}
  OstreeRepo* repo_;
};

// ostree_object_type for our upload types.
OstreeObjectType ToOstreeType(ObjectType type);

// Whether `repo` holds the object (kRepository on an I/O failure).
Result<bool> RepoHasObject(OstreeRepo* repo, OstreeObjectType type, const std::string& checksum);

// The commit object, or a null pointer when the repository lacks it.
Result<VariantPtr> LoadCommit(OstreeRepo* repo, const std::string& checksum);

}  // namespace otter::treehub::internal
