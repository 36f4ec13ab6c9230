// Errors as values: Result<T> holds either a T or an Error.
//
// An Error carries a std::error_code (each module defines its own enum and
// category, see errc.h) and a message with a context chain, outermost first:
// "refreshing director: fetching timestamp.json: HTTP 500".
#pragma once

#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace otter {

class Error {
 public:
  Error(std::error_code code, std::string message)
      : code_(code), message_(std::move(message)) {}

  const std::error_code& code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prepends "context: " to the message; the code stays.
  Error WithContext(std::string_view context) const& {
    return Error(code_, std::string(context) + ": " + message_);
  }
  Error WithContext(std::string_view context) && {
    message_.insert(0, std::string(context) + ": ");
    return std::move(*this);
  }

  bool Is(std::error_code code) const { return code_ == code; }
  template <typename Enum,
            typename = std::enable_if_t<std::is_error_code_enum_v<Enum>>>
  bool Is(Enum value) const {
    return code_ == value;
  }

 private:
  std::error_code code_;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : value_(value) {}  // NOLINT: implicit by design
  Result(T&& value) : value_(std::move(value)) {}  // NOLINT
  Result(Error error) : value_(std::move(error)) {}  // NOLINT
  template <typename U,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                        !std::is_same_v<std::decay_t<U>, T> &&
                                        !std::is_same_v<std::decay_t<U>, Error>>>
  Result(U&& value) : value_(T(std::forward<U>(value))) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(value_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }

  const Error& error() const& { return std::get<Error>(value_); }
  Error&& error() && { return std::get<Error>(std::move(value_)); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> value_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), has_error_(true) {}  // NOLINT

  bool ok() const { return !has_error_; }
  explicit operator bool() const { return ok(); }

  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_{std::error_code(), std::string()};
  bool has_error_ = false;
};

using Status = Result<void>;

inline Status Ok() { return Status(); }

}  // namespace otter

#define OTTER_CONCAT_INNER(a, b) a##b
#define OTTER_CONCAT(a, b) OTTER_CONCAT_INNER(a, b)

// OTTER_TRY(expr): returns the error of a failed Status/Result from the
// enclosing function.
#define OTTER_TRY(expr) OTTER_TRY_IMPL(OTTER_CONCAT(otter_try_, __COUNTER__), expr)
#define OTTER_TRY_IMPL(tmp, expr)                  \
  do {                                             \
    auto&& tmp = (expr);                           \
    if (!tmp.ok()) return std::move(tmp).error();  \
  } while (false)

// OTTER_TRY_CONTEXT(expr, context): the same, with context prepended.
#define OTTER_TRY_CONTEXT(expr, context) \
  OTTER_TRY_CONTEXT_IMPL(OTTER_CONCAT(otter_try_, __COUNTER__), expr, context)
#define OTTER_TRY_CONTEXT_IMPL(tmp, expr, context)                       \
  do {                                                                   \
    auto&& tmp = (expr);                                                 \
    if (!tmp.ok()) return std::move(tmp).error().WithContext(context);   \
  } while (false)

// OTTER_ASSIGN(lhs, expr): evaluates a Result, returns its error, or
// assigns its value: OTTER_ASSIGN(auto key, LoadKey(path));
#define OTTER_ASSIGN(lhs, expr) \
  OTTER_ASSIGN_IMPL(OTTER_CONCAT(otter_result_, __COUNTER__), lhs, expr, "")

#define OTTER_ASSIGN_CONTEXT(lhs, expr, context) \
  OTTER_ASSIGN_IMPL(OTTER_CONCAT(otter_result_, __COUNTER__), lhs, expr, context)

#define OTTER_ASSIGN_IMPL(tmp, lhs, expr, context)                \
  auto tmp = (expr);                                             \
  if (!tmp.ok()) {                                               \
    if (std::string_view(context).empty())                       \
      return std::move(tmp).error();                             \
    return std::move(tmp).error().WithContext(context);          \
  }                                                              \
  lhs = std::move(tmp).value()
