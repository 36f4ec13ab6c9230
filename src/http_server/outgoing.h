// Turns a handler's Response into the Beast message that is sent. Internal.
#pragma once

#include <cstdint>
#include <variant>

#include "http_server/beast.h"
#include "http_server/file_window.h"
#include "http_server/request.h"
#include "http_server/response.h"

namespace otter::http {

using StringMessage = beast_http::response<beast_http::string_body>;
using FileMessage = beast_http::response<FileBody>;
using OutgoingResponse = std::variant<StringMessage, FileMessage>;

// Opens the file of a File response and applies the request's Range header,
// so it blocks: call it on a worker. Drops headers the server sets itself
// (content-length, transfer-encoding, connection) and header values with
// CR, LF or NUL; a status outside 100-599 becomes 500.
OutgoingResponse Prepare(Response response, const Request& request);

std::uint64_t BodyBytes(const OutgoingResponse& response);
unsigned StatusCode(const OutgoingResponse& response);

}  // namespace otter::http
