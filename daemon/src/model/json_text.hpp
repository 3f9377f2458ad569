// JSON as the records use it: the document type, and text that never throws on the
// invalid UTF-8 a corrupted log can hold.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hungtask {

// Insertion-ordered, so records read in the order of design.md ("id" first).
using Json = nlohmann::ordered_json;

// Serialises JSON; invalid UTF-8 (possible in a corrupted log) is replaced, never thrown.
std::string dump_json(const Json& j, int indent = 2);

// Replaces invalid UTF-8 sequences with '?'.
std::string sanitize_utf8(std::string_view s);

}  // namespace hungtask
