// A File (in Beast's sense) that shows one byte range of a file as if it
// were the whole file, so that beast::http::basic_file_body<FileWindow>
// sends a range without loading it. Internal.
#pragma once

#include <cstdint>

#include "http_server/beast.h"

namespace otter::http {

// The lowercase names are those of Beast's File concept.
class FileWindow {
 public:
  using native_handle_type = beast::file::native_handle_type;

  // The whole file, until Narrow().
  void open(char const* path, beast::file_mode mode, ErrorCode& ec) {
    file_.open(path, mode, ec);
    offset_ = 0;
    length_ = ec ? 0 : file_.size(ec);
  }
  // Shows `length` bytes from `offset` on.
  void Narrow(std::uint64_t offset, std::uint64_t length, ErrorCode& ec) {
    file_.seek(offset, ec);
    offset_ = offset;
    length_ = length;
  }

  bool is_open() const { return file_.is_open(); }
  void close(ErrorCode& ec) { file_.close(ec); }
  std::uint64_t size(ErrorCode& ec) const {
    ec = {};
    return length_;
  }
  std::uint64_t pos(ErrorCode& ec) { return file_.pos(ec) - offset_; }
  void seek(std::uint64_t offset, ErrorCode& ec) { file_.seek(offset_ + offset, ec); }
  std::size_t read(void* buffer, std::size_t n, ErrorCode& ec) { return file_.read(buffer, n, ec); }
  std::size_t write(void const*, std::size_t, ErrorCode& ec) {
    ec = beast::errc::make_error_code(beast::errc::operation_not_supported);
    return 0;
  }

 private:
  beast::file file_;
  std::uint64_t offset_ = 0;
  std::uint64_t length_ = 0;
};

using FileBody = beast_http::basic_file_body<FileWindow>;

}  // namespace otter::http
