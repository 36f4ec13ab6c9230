// One SOCI session: connecting it with otter's settings, keeping it clean
// between uses, and turning SOCI exceptions into Errors (internal to storage).
#pragma once

#include <chrono>
#include <functional>

#include "common/result.h"
#include "storage/database.h"
#include "storage/database_url.h"

namespace soci {
class soci_error;
}

namespace otter::storage {

// The error for a SOCI exception: kConflict, kConstraint, kBusy, kNoSpace or
// kDatabase, with the backend's first message line (no bound values).
Error TranslateSqlError(const soci::soci_error& error);

// Calls fn(session); a SOCI exception (or a std::bad_cast from a row of an
// unexpected type) comes back as an Error. Other exceptions pass through.
Status CallCatching(soci::session& session, const Database::SessionFunction& fn);

// Opens `session` and applies the connection settings (see database.h).
Status Connect(soci::session& session, const DatabaseUrl& url,
               std::chrono::milliseconds busy_timeout);

// Before a use: connects a session again when Tidy() closed it or its
// PostgreSQL connection broke.
Status Revive(soci::session& session, const DatabaseUrl& url,
              std::chrono::milliseconds busy_timeout);

// After a use: rolls back a transaction left open, so that the next user of
// the pooled session starts clean; closes the session if that fails.
void Tidy(soci::session& session, Backend backend) noexcept;

}  // namespace otter::storage
