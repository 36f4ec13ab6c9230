// What HttpTestServer answers, apart from the transport: URL decoding, files
// from a folder, byte ranges. Internal to the server.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "support/http_test_server.h"

namespace otter::testing::http_test {

// "/a%20b?x=1" -> "a b".
std::string DecodePath(std::string_view target);

// The file at `path` under `root`; 403 for a path that leaves the folder,
// nullopt when there is no such file.
std::optional<HttpTestResponse> ReadFromDirectory(const std::filesystem::path& root,
                                                  const std::string& path);

// Turns a 200 into a 206 (or 416) when the request has `Range: bytes=N-`
// or `bytes=N-M`.
void ApplyRange(const HttpTestRequest& request, HttpTestResponse& response);

HttpTestResponse TextResponse(unsigned status, std::string body);

}  // namespace otter::testing::http_test
