// Runs one of the project's executables the way a user would, for
// integration tests: argv in, exit code and output out.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace otter::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `argv` with extra `env` entries ("NAME=value") and waits for it.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {});

// The build tree / relative, and the source tree / relative.
std::filesystem::path BinaryPath(const std::string& relative);
std::filesystem::path SourcePath(const std::string& relative);

// A fresh folder under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace otter::testing
