// Internal: owning handles for the GLib values libostree hands out.
#pragma once

#include <ostree.h>

#include <memory>
#include <string>

namespace otter::treehub_client::internal {

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
  std::string message() const { return error_ != nullptr ? error_->message : "unknown error"; }

 private:
  GError* error_ = nullptr;
};

}  // namespace otter::treehub_client::internal
