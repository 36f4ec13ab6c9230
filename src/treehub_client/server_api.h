// Internal: the treehub upload API of otter-server, over HttpClient.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "common/result.h"
#include "treehub_client/local_repo.h"
#include "treehub_client/treehub_client.h"

namespace otter::treehub_client::internal {

struct RefUpdate {
  std::string ref;
  std::string commit;
  std::optional<std::string> previous;
  bool forced = false;
};

// One HTTP connection to the server; use one per thread.
class ServerApi {
 public:
  explicit ServerApi(const PushOptions& options);

  // The names among `names` the server lacks.
  Result<std::vector<std::string>> Missing(const std::vector<std::string>& names);
  // Uploads an object; returns the body bytes sent.
  Result<std::uint64_t> Upload(const LocalObject& object, ObjectBody body);
  Result<RefUpdate> SetRef(const std::string& ref, const std::string& commit, bool force);

 private:
  HttpRequest Request(std::string method, const std::string& path) const;
  Result<HttpResponse> Send(const HttpRequest& request, std::string_view what);

  std::string base_url_;
  std::string token_;
  HttpClient client_;
};

// Whether an error is worth another try: the network, or the server failing.
bool IsTransient(const Error& error);

}  // namespace otter::treehub_client::internal
