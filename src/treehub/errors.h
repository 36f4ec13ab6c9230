// Error codes of the treehub module, and the HTTP answers they map to
// (routes.cc answers them itself; see docs/api/treehub.md).
#pragma once

#include <system_error>

#include "common/errors.h"

namespace otter::treehub {

enum class TreehubErrc {
  kInvalidObjectName = 1,  // not "<64 lowercase hex>.<type>": 400
  kUnknownObjectType,      // a type that cannot be uploaded: 400
  kInvalidChecksum,        // not 64 lowercase hex digits: 400
  kHashMismatch,           // the bytes do not hash to the object's name: 400
  kMalformedObject,        // not a valid object of its type: 400
  kTooLarge,               // over the size limit: 413
  kInvalidRef,             // not a valid ref name: 400
  kNotFound,               // no such ref or commit: 404
  kUnknownCommit,          // a ref update names a commit the server lacks: 422
  kIncompleteCommit,       // objects reachable from the commit are missing: 422
  kNotFastForward,         // the ref does not descend to the new commit: 409
  kRefConflict,            // the ref clashes with another ("a" and "a/b"): 409
  kNoSpace,                // disk full: 507
  kRepository,             // any other libostree or file-system failure: 500
};

const std::error_category& TreehubCategory();

inline std::error_code make_error_code(TreehubErrc e) {  // NOLINT: ADL name
  return {static_cast<int>(e), TreehubCategory()};
}

}  // namespace otter::treehub

template <>
struct std::is_error_code_enum<otter::treehub::TreehubErrc> : std::true_type {};
