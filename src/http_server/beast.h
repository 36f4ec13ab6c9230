// The Boost.Asio and Beast headers of this library in one place, with the
// short names its sources use. Internal.
#pragma once

// clang-format off
// Boost 1.74's asio/awaitable.hpp uses std::exchange without <utility>.
#include <utility>
// clang-format on

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace otter::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;

inline std::string ToString(beast::string_view text) { return {text.data(), text.size()}; }

}  // namespace otter::http
