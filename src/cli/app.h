// `otter`: the command line for publishers and operators (docs/cli.md).
//
//   int main(int argc, char** argv) { return otter::cli::Main(argc, argv); }
//
// Exit codes: 0 success, 1 failure (the reason on stderr, with the server's
// description), 2 usage error.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "common/time.h"

namespace otter::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct Environment {
  std::ostream* out = nullptr;  // results
  std::ostream* err = nullptr;  // errors, warnings, progress
  const Clock* clock = nullptr;
  bool progress = false;  // draw progress bars on `err` (a terminal)
};

// Runs one command line; args[0] is the program name.
int Run(const std::vector<std::string>& args, const Environment& environment);

// Run() with std::cout, std::cerr, the system clock, and progress bars when
// stderr is a terminal.
int Main(int argc, char** argv);

}  // namespace otter::cli
