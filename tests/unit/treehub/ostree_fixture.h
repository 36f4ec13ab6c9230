// Helpers for the treehub tests: temporary folders, running the real
// `ostree` CLI, and local repositories with commits of a small tree (files,
// an executable, a symbolic link, subfolders, an empty folder).
#pragma once

#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace otter::treehub::testing {

class TempFolder {
 public:
  TempFolder() {
    std::string pattern =
        (std::filesystem::path(::testing::TempDir()) / "treehub_test.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int status = -1;     // the exit status, or -1 when it did not exit normally
  std::string output;  // stdout and stderr
};

inline std::string Quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

inline std::string Quote(const std::filesystem::path& path) { return Quote(path.string()); }

inline CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  char buffer[4096];
  std::size_t count = 0;
  while ((count = ::fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    result.output.append(buffer, count);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Runs `command`; throws (failing the test) unless it exits with 0. Returns
// its output without the trailing newline.
inline std::string MustRun(const std::string& command) {
  CommandResult result = RunCommand(command);
  if (result.status != 0) {
    throw std::runtime_error(command + " exited with " + std::to_string(result.status) + ": " +
                             result.output);
  }
  while (!result.output.empty() && result.output.back() == '\n') result.output.pop_back();
  return result.output;
}

inline void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Some kilobytes that compress a little but not to nothing.
inline std::string Filler(std::size_t size, unsigned seed) {
  std::string text;
  unsigned state = seed * 2654435761u + 1;
  while (text.size() < size) {
    state = state * 1103515245u + 12345u;
    text += static_cast<char>('a' + (state >> 16) % 26);
    if ((state >> 8) % 7 == 0) text += ' ';
  }
  return text;
}

// A local OSTree repository made with the `ostree` CLI.
class SourceRepo {
 public:
  // mode: "archive", "bare-user", "bare"...
  SourceRepo(std::filesystem::path path, const std::string& mode) : path_(std::move(path)) {
    MustRun("ostree init --repo=" + Quote(path_) + " --mode=" + mode);
  }

  const std::filesystem::path& path() const { return path_; }

  // Commits the small tree on `branch` (whose current commit becomes the
  // parent); `variant` goes into some files so commits differ.
  std::string Commit(const std::string& branch, const std::string& variant,
                     const std::string& version = "1.0") {
    const std::filesystem::path tree = path_.parent_path() / ("tree-" + variant);
    std::filesystem::remove_all(tree);
    WriteTree(tree, variant);
    return MustRun("ostree commit --repo=" + Quote(path_) + " --branch=" + Quote(branch) +
                   " --subject=" + Quote("build " + variant) + " --add-metadata-string=version=" +
                   Quote(version) + " --tree=dir=" + Quote(tree));
  }

  // In an archive repository: the file of an object ("<checksum>.<ext>").
  std::filesystem::path ObjectPath(const std::string& name) const {
    return path_ / "objects" / name.substr(0, 2) / name.substr(2);
  }

  // Every object file of an archive repository, by name: files first, the
  // commits last.
  std::vector<std::string> ObjectNames() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path_ / "objects")) {
      if (!entry.is_regular_file()) continue;
      names.push_back(entry.path().parent_path().filename().string() +
                      entry.path().filename().string());
    }
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      return Rank(a) != Rank(b) ? Rank(a) < Rank(b) : a < b;
    });
    return names;
  }

  std::vector<std::string> ObjectNamesEndingWith(const std::string& extension) const {
    std::vector<std::string> names;
    for (const std::string& name : ObjectNames()) {
      if (name.ends_with(extension)) names.push_back(name);
    }
    return names;
  }

 private:
  static int Rank(const std::string& name) {
    if (name.ends_with(".filez")) return 0;
    if (name.ends_with(".dirmeta")) return 1;
    if (name.ends_with(".dirtree")) return 2;
    return 3;
  }

  static void WriteTree(const std::filesystem::path& tree, const std::string& variant) {
    WriteText(tree / "usr/share/README", "hello from " + variant + "\n");
    WriteText(tree / "usr/share/data.txt", Filler(200 * 1024, 7));
    WriteText(tree / "usr/bin/run", "#!/bin/sh\necho " + variant + "\n");
    ::chmod((tree / "usr/bin/run").c_str(), 0755);
    WriteText(tree / "usr/etc/os-release", "ID=otter\nVERSION_ID=" + variant + "\n");
    std::filesystem::create_directories(tree / "var/empty");
    std::filesystem::create_symlink("../share/README", tree / "usr/bin/readme");
  }

  std::filesystem::path path_;
};

}  // namespace otter::treehub::testing
