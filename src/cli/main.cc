// otter: the command line for publishers and operators. See docs/cli.md.
#include "cli/app.h"

int main(int argc, char** argv) { return otter::cli::Main(argc, argv); }
