// Text of OpenSSL's thread-local error queue, for error messages.
#pragma once

#include <string>

namespace otter {

// Drains the queue into one line ("error:...; error:..."), or
// "unknown OpenSSL error" when it is empty.
std::string OpenSslErrors();

}  // namespace otter
