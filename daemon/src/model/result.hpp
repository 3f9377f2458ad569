// Recoverable errors as values.  An Error says what failed and where (a file path, a
// JSON field path, an option); callers add context as the error travels up.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace hungtask {

struct Error {
    std::string what;   // what went wrong, e.g. "expected a string"
    std::string where;  // where: "FILE: incident.victims[0].pid", "--state-dir", ...

    std::string to_string() const { return where.empty() ? what : where + ": " + what; }

    // Prefixes the location, e.g. the file name in front of a field path.
    Error within(const std::string& outer) const {
        return Error{what, where.empty() ? outer : outer + ": " + where};
    }
};

template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(v_); }
    const T& value() const& { return std::get<T>(v_); }
    T&& value() && { return std::get<T>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<Error>(v_); }

  private:
    std::variant<T, Error> v_;
};

// For operations that return nothing on success.
struct Ok {};
using Status = Result<Ok>;

}  // namespace hungtask
